"""MISONet: the skorch net runs Algorithm 1 with three optimizers."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from miso_resample._engine.net import MISONet
from miso_resample._engine.pairing import PairedDataset, cycled_permutation
from miso_resample._engine.schedule import n_training_epochs
from miso_resample.exceptions import TrainingDivergedError
from miso_resample.model import DenseDecoder, DenseEncoder, MISOModule


def _module(use_mi=True, n_features=4):
    return MISOModule(DenseEncoder(n_features, 8, 16), DenseDecoder(8, n_features, 16),
                      DenseDecoder(8, n_features, 16), latent_dim=8, n_heads=2,
                      discriminator_hidden_dim=8, mine_hidden_dim=8, use_mi=use_mi)


def _data(seed=0):
    rng = np.random.RandomState(seed)
    return (rng.normal(size=(20, 4)).astype(np.float32),
            rng.normal(1.0, 1.0, size=(60, 4)).astype(np.float32))


class ParameterSnapshots(Callback):
    """Copies of each parameter group at the end of every epoch."""

    def initialize(self):
        self.snapshots = []
        return self

    def on_epoch_end(self, net, **kwargs):
        m = net.module_
        self.snapshots.append({
            group: torch.cat([p.detach().flatten().clone() for _, p in params])
            for group, params in [("generator", m.generator_parameters()),
                                  ("discriminator", m.discriminator_parameters()),
                                  ("mine", m.mine_parameters())]})


def _fit(use_mi=True, pretrain=2, adversarial=2, lr=1e-3, callbacks=()):
    x_min, x_maj = _data()
    torch.manual_seed(0)
    net = MISONet(_module(use_mi), pretrain_epochs=pretrain,
                  max_epochs=n_training_epochs(pretrain, adversarial, use_mi),
                  n_minority=20, n_majority=60, n_anchors=40, lr=lr, batch_size=16,
                  callbacks=list(callbacks), verbose=0)
    return net.fit(PairedDataset(x_min, x_maj, random_state=0))


def test_history_records_phases_tau_and_losses():
    net = _fit()
    assert net.history[:, "phase"] == ["pretrain_autoencoders"] * 2 + ["pretrain_mine"] * 2 + [
        "adversarial"] * 2
    taus = net.history[:, "tau"]
    assert taus[:5] == [pytest.approx(3.0)] * 5 and taus[5] == pytest.approx(1.0)
    assert net.history[-1, "alpha"] == pytest.approx(1.0)
    assert np.isfinite(net.history[-1, "mi_minority"])
    assert np.isnan(net.history[0, "mi_minority"])       # no MINE step while pre-training AEs
    assert net.history[0, "rec_minority"] > net.history[-1, "rec_minority"] * 0.5


def test_each_phase_updates_only_its_parameters():
    snaps = ParameterSnapshots()
    net = _fit(callbacks=[("snapshots", snaps)])
    s = dict(net.callbacks_)["snapshots"].snapshots
    same = lambda a, b, g: torch.equal(s[a][g], s[b][g])   # noqa: E731
    # epoch 2 (AE pre-training): discriminators and MINEs frozen
    assert same(0, 1, "discriminator") and same(0, 1, "mine") and not same(0, 1, "generator")
    # epochs 3-4 (MINE pre-training): encoder-decoders and discriminators frozen
    assert same(1, 3, "generator") and same(1, 3, "discriminator") and not same(1, 3, "mine")
    # main loop: everything moves
    assert not any(same(4, 5, g) for g in ("generator", "discriminator", "mine"))


def test_three_optimizers_and_cag_only():
    net = _fit()
    assert net._optimizers == ["optimizer", "optimizer_discriminator", "optimizer_mine"]
    cag = _fit(use_mi=False)
    assert cag._optimizers == ["optimizer", "optimizer_discriminator"]
    assert not hasattr(cag.module_, "sfm") and not hasattr(cag.module_, "mine_minority")
    assert cag.history[:, "phase"] == ["pretrain_autoencoders"] * 2 + ["adversarial"] * 2


def test_generate_shapes_and_finiteness():
    net = _fit()
    x_min, x_maj = _data(1)
    anchors = net.generate(x_min, x_maj[:20], batch_size=7)
    assert anchors.shape == (20, 4) and np.isfinite(anchors).all()


def test_divergence_raises_clear_error():
    with pytest.raises(TrainingDivergedError, match="diverged"):
        _fit(lr=1e12, pretrain=1, adversarial=3)


def test_pairing_cycles_the_smaller_side():
    idx = cycled_permutation(3, 8, 0)
    assert sorted(idx[:3]) == [0, 1, 2] and sorted(idx[3:6]) == [0, 1, 2] and len(idx) == 8
    ds = PairedDataset(np.zeros((3, 2)), np.ones((7, 2)), random_state=0)
    assert len(ds) == 7
    first = ds.majority_index.copy()
    ds.reshuffle()
    assert sorted(first) == sorted(ds.majority_index) == list(range(7))
