"""Early stopping on the quality of anchors generated for held-back minority rows.

Training stops when the anchors of minority rows the network never trained on
stop improving, instead of after a fixed number of epochs. After every
adversarial epoch, :class:`AnchorValidation` generates one anchor per held-back
row (paired with its nearest majority partner) and scores it with the *valid
anchor score*: the mean, over the anchors, of a linear probe's probability that
the anchor is minority, counting only anchors inside the real minority's k-NN
manifold (Kynkaanniemi et al. 2019). An anchor thus scores when it is on the
minority side of the boundary *and* looks like real minority data. When the
score has not improved for ``patience`` epochs, the best weights are restored
and training ends.
"""

import copy

import numpy as np
from skorch.callbacks import Callback

from ..exceptions import TrainingDivergedError
from .schedule import ADVERSARIAL

__all__ = ["AnchorValidation", "AnchorsConverged", "manifold_radii"]


class AnchorsConverged(Exception):
    """Raised by :class:`AnchorValidation` to end training (caught by ``MISONet``)."""


def manifold_radii(real, k):
    """Distance of each real row to its ``k``-th nearest other real row."""
    from sklearn.neighbors import NearestNeighbors

    k = min(k, len(real) - 1)
    if k < 1:
        return np.zeros(len(real))
    return NearestNeighbors(n_neighbors=k + 1).fit(real).kneighbors(real)[0][:, k]


class AnchorValidation(Callback):
    """skorch callback: score held-back anchors, stop when they stop improving.

    Parameters
    ----------
    x_minority, x_partners : ndarray
        Held-back minority rows and a majority partner for each (model inputs).
    probe : tuple (weights, bias)
        A linear probe of P(minority) in the model's input space.
    real_minority : ndarray
        The minority rows used for training (the real minority manifold).
    patience : int, default=3
        Adversarial epochs without improvement before training stops.
    k : int, default=5
        Neighbour rank of the manifold radii.
    """

    def __init__(self, x_minority, x_partners, probe, real_minority, patience=3, k=5):
        self.x_minority = x_minority
        self.x_partners = x_partners
        self.probe = probe
        self.real_minority = real_minority
        self.patience = patience
        self.k = k

    def initialize(self):
        self.radii_ = manifold_radii(self.real_minority, self.k)
        self.best_, self.wait_, self.best_state_ = -np.inf, 0, None
        return self

    def score(self, anchors):
        """``(score, mean probe probability, share inside the minority manifold)``."""
        from sklearn.metrics import pairwise_distances

        weights, bias = self.probe
        proba = 1.0 / (1.0 + np.exp(-(anchors @ weights + bias)))
        distances = pairwise_distances(anchors, self.real_minority)
        inside = (distances <= self.radii_[None, :]).any(axis=1)
        return float(np.mean(proba * inside)), float(proba.mean()), float(inside.mean())

    def on_epoch_end(self, net, **kwargs):
        if net.phase_ != ADVERSARIAL:
            return
        anchors = np.asarray(net.generate(self.x_minority, self.x_partners), dtype=np.float64)
        if not np.isfinite(anchors).all():
            raise TrainingDivergedError(
                f"MISO training diverged: anchors of held-back rows became NaN or infinite "
                f"in epoch {len(net.history)}. Lower `lr`, or standardise the inputs.")
        score, proba, inside = self.score(anchors)
        net.history.record("valid_anchor_score", score)
        net.history.record("valid_p_minority", proba)
        net.history.record("valid_precision", inside)
        if score > self.best_ + 1e-4:
            self.best_, self.wait_ = score, 0
            self.best_state_ = copy.deepcopy(net.module_.state_dict())
            return
        self.wait_ += 1
        if self.wait_ >= self.patience:
            net.module_.load_state_dict(self.best_state_)
            net.history.record("stopped_early", True)
            raise AnchorsConverged
