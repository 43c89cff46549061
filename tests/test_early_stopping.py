"""Early stopping by skorch's EarlyStopping on the anchor score: the restored state is
the scored one (weights and tau), at a stop and at the epoch budget; nothing of the
training data or a spare copy of the weights stays in a fitted sampler."""

import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from miso_resample import MISOSampler
from miso_resample._engine.early_stopping import (
    AnchorEarlyStopping,
    AnchorScoring,
    manifold_radii,
)
from miso_resample._engine.net import MISONet
from miso_resample._engine.pairing import PairedDataset
from miso_resample._engine.schedule import ADVERSARIAL, n_training_epochs

from .conftest import TINY
from .test_net import _data, _module


class ScriptedScore(Callback):
    """Records the given valid_anchor_score in each adversarial epoch, and the
    weights and tau of that epoch (what the score would have been computed on)."""

    def __init__(self, scores):
        self.scores = scores

    def initialize(self):
        self.seen_ = []
        return self

    def on_epoch_end(self, net, **kwargs):
        if net.phase_ != ADVERSARIAL:
            return
        net.history.record("valid_anchor_score", self.scores[len(self.seen_)])
        weights = torch.cat([p.detach().flatten().clone() for p in net.module_.parameters()])
        self.seen_.append((net.history[-1, "epoch"], net.tau_, weights))


def _fit(scores, patience):
    x_min, x_maj = _data()
    torch.manual_seed(0)
    script = ScriptedScore(scores)
    net = MISONet(_module(), pretrain_epochs=1, max_epochs=n_training_epochs(1, len(scores), True),
                  n_minority=20, n_majority=60, n_anchors=40, batch_size=16, verbose=0,
                  callbacks=[("script", script),
                             ("stop", AnchorEarlyStopping(patience=patience))])
    net.fit(PairedDataset(x_min, x_maj, random_state=0))
    return net, dict(net.callbacks_)["script"].seen_


def _weights(net):
    return torch.cat([p.detach().flatten() for p in net.module_.parameters()])


def test_a_net_stopped_early_generates_with_the_tau_it_was_scored_with():
    # adversarial epochs 3..7 score 0.1, 0.5, 0.2, 0.1, 0.1: the best is epoch 4;
    # patience 2 stops after epoch 6, two epochs of a lower tau later
    net, seen = _fit([0.1, 0.5, 0.2, 0.1, 0.1], patience=2)
    epochs = [epoch for epoch, _, _ in seen]
    assert epochs == [3, 4, 5, 6] and net.history[-1, "stopped_early"] is True
    best_epoch, best_tau, best_weights = seen[1]
    assert net.history[-1, "restored_epoch"] == best_epoch == 4
    assert seen[-1][1] < best_tau                      # the last epoch ran at a lower tau
    assert net.tau_ == best_tau and net.tau_ == net.history[best_epoch - 1, "tau"]
    assert torch.equal(_weights(net), best_weights)


def test_the_best_epoch_is_restored_at_the_epoch_budget_too():
    net, seen = _fit([0.1, 0.5, 0.4], patience=5)       # never stops: budget reached
    assert "stopped_early" not in net.history[-1]
    assert net.history[-1, "restored_epoch"] == 4
    assert net.tau_ == seen[1][1] and torch.equal(_weights(net), seen[1][2])


def test_no_restore_when_the_last_epoch_is_the_best():
    net, seen = _fit([0.1, 0.2, 0.3], patience=5)
    assert "restored_epoch" not in net.history[-1]
    assert net.tau_ == seen[-1][1] and torch.equal(_weights(net), seen[-1][2])


def test_anchor_scoring_scores_inside_the_manifold_only():
    real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(manifold_radii(real, 1), [1.0] * 4)
    callback = AnchorScoring(real[:2], real[:2], (np.array([10.0, 0.0]), 0.0), real,
                             k=1).initialize()
    # inside the manifold: anchor (1, 0) has probe p = sigmoid(10); outside: (5, 5) -> 0
    score, proba, inside = callback.score(np.array([[1.0, 0.0], [5.0, 5.0]]))
    assert inside == 0.5 and score == pytest.approx(1 / (1 + np.exp(-10)) / 2)


def test_a_pickled_sampler_carries_no_training_rows_nor_spare_weights(overlapping_binary):
    X, y = overlapping_binary
    params = dict(TINY, max_epochs=6)
    stopped = MISOSampler(random_state=0, early_stopping=1, **params)
    stopped.fit_resample(X, y)
    plain = MISOSampler(random_state=0, early_stopping=None, **params)
    plain.fit_resample(X, y)
    callbacks = dict(stopped.nets_[1].callbacks_)
    scoring = next(cb for cb in callbacks.values() if isinstance(cb, AnchorScoring))
    assert scoring.x_minority is None and scoring.real_minority is None
    assert next(cb for cb in callbacks.values()
                if isinstance(cb, AnchorEarlyStopping)).best_model_weights_ is None
    size_stopped, size_plain = len(pickle.dumps(stopped)), len(pickle.dumps(plain))
    # the same net and weights; only the history and two small callbacks differ
    assert size_stopped < size_plain * 1.05 + 20_000, (size_stopped, size_plain)
    weights = sum(p.numel() for p in stopped.nets_[1].module_.parameters()) * 4
    assert size_stopped < size_plain + weights / 2
