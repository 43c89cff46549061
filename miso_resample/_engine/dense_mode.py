"""Dense mode of ``MISOSampler``: numeric rows in, anchor vectors out.

The mode interface (shared with :mod:`miso_resample._engine.text_mode`):

* ``check_X_y(sampler, X, y)``: imbalanced-learn's validation of the input;
* ``prepare(X, y, targets, rng)``: model inputs and difficult samples
  (:class:`ModeData`);
* ``build_module(data)``: a fresh :class:`~miso_resample.model.MISOModule`;
* ``decoders`` (the first is the default), ``auto`` (the values of the
  ``"auto"`` parameters for each decoder) and ``validates`` (whether early
  stopping on held-back anchors applies);
* ``generate(net, data, source, partners, rng)``: the anchors of one class and
  the number of them that had to be re-drawn;
* ``assemble(X, y, anchors, labels, data)``: originals followed by anchors.

Features are standardised for the network (the encoder and the MINEs expect
unit-scale inputs) and anchors are mapped back; constant features stay constant.
"""

from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from sklearn.preprocessing import StandardScaler

from ..difficulty import find_difficult_samples
from ..exceptions import TrainingDivergedError
from ..model import DenseDecoder, DenseEncoder, MISOModule

__all__ = ["ModeData", "DenseMode", "miso_module"]


class ModeData(NamedTuple):
    """What a mode prepares once per ``fit_resample`` for every class's training."""

    inputs: Any               # model inputs, row-aligned with X (array of floats or ids)
    difficult: np.ndarray     # difficult_mask_ (section 7.1)
    context: Any = None       # mode-specific: the scaler (dense), vocabulary etc. (text)
    features: Any = None      # where nearest partners are searched (None: inputs)
    metric: str = "euclidean"


def miso_module(params, encoder, minority_decoder, majority_decoder):
    """The MISO network of Figure 2 around a mode's encoder and decoders."""
    hidden = max(params.hidden_dim // 2, 1)
    return MISOModule(
        encoder, minority_decoder, majority_decoder,
        latent_dim=params.latent_dim, n_heads=params.n_heads, use_mi=params.use_mi,
        discriminator_hidden_dim=hidden, mine_hidden_dim=hidden,
        adversarial_weight=params.adversarial_weight,
        majority_signal=params.majority_signal, latent_noise=params.latent_noise)


class DenseMode:
    """Dense rows: an MLP encoder and decoders on standardised features.

    Parameters
    ----------
    params : namespace
        The sampler's parameters with ``"auto"`` resolved for this mode.
    """

    name = "dense"
    decoders = ("residual", "scratch")
    auto = {"residual": dict(max_epochs=20, pretrain_epochs=3, lr=1e-3, epoch_pairs=1024,
                             adversarial_weight=1.0),
            "scratch": dict(max_epochs=20, pretrain_epochs=3, lr=1e-3, epoch_pairs=1024,
                            adversarial_weight=1.0)}
    validates = True       # early stopping on held-back anchors applies

    def __init__(self, params):
        self.params = params

    @staticmethod
    def check_X_y(sampler, X, y):
        """imbalanced-learn's validation: finite floats, sparse CSR/CSC kept."""
        from imblearn.utils import check_target_type
        from sklearn.utils.validation import validate_data

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(sampler, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
                             dtype=[np.float64, np.float32], order="C")
        return X, y, binarize_y

    def prepare(self, X, y, targets, rng):
        X_dense = X.toarray() if sparse.issparse(X) else X
        difficult = find_difficult_samples(X_dense, y, k_neighbors=self.params.k_neighbors,
                                           minority_class=list(targets))
        scaler = StandardScaler().fit(X_dense)
        return ModeData(scaler.transform(X_dense).astype(np.float32), difficult, scaler)

    def build_module(self, data):
        n_features, p = data.inputs.shape[1], self.params
        return miso_module(p, DenseEncoder(n_features, p.latent_dim, p.hidden_dim),
                           DenseDecoder(p.latent_dim, n_features, p.hidden_dim,
                                        residual=p.decoder == "residual"),
                           DenseDecoder(p.latent_dim, n_features, p.hidden_dim))

    def generate(self, net, data, source, partners, rng):
        """Anchor vectors (standardised) and 0 re-drawn; ``rng`` is not needed here."""
        return net.generate(data.inputs[source], data.inputs[partners]), 0

    def assemble(self, X, y, anchors, labels, data):
        if not anchors:
            return X, y
        new_X = np.vstack(anchors).astype(np.float64)
        if not np.isfinite(new_X).all():
            raise TrainingDivergedError(
                f"{int((~np.isfinite(new_X)).any(axis=1).sum())} anchors are NaN or infinite: "
                "the trained network is unusable. Lower `lr` or check the features' scale.")
        scaler = data.context
        new_X = scaler.inverse_transform(new_X)
        constant = scaler.var_ == 0                  # constant features stay constant
        new_X[:, constant] = scaler.mean_[constant]
        new_X = new_X.astype(X.dtype)
        if sparse.issparse(X):
            X_res = sparse.vstack([X, sparse.csr_matrix(new_X)], format=X.format)
        else:
            X_res = np.vstack([X, new_X])
        return X_res, np.hstack([y, *labels])
