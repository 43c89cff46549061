"""Dense mode of ``MISOSampler``: numeric rows in, anchor vectors out.

The mode interface (shared with :mod:`miso_resample._engine.text_mode`):

* ``check_X_y(sampler, X, y)``: imbalanced-learn's validation of the input;
* ``prepare(X, y, targets, rng)``: model inputs and difficult samples
  (:class:`ModeData`);
* ``build_module(data)``: a fresh :class:`~miso_resample.model.MISOModule`
  around the decoder's parts;
* ``generate(net, data, source, partners, rng)``: the anchors of one class and
  the number of them that had to be re-drawn (the decoder's ``render``);
* ``assemble(X, y, anchors, labels, data)``: originals followed by anchors.

The decoder object (:mod:`miso_resample.decoders`) owns the representation,
the encoder and decoders, and the rendering of anchors. Dense features are
standardised for the network by :class:`~miso_resample.decoders.VectorDecoder`
and anchors are mapped back here; constant features stay constant.
"""

from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

from ..difficulty import find_difficult_samples
from ..exceptions import TrainingDivergedError
from ..model import MISOModule

__all__ = ["ModeData", "DenseMode", "miso_module"]


class ModeData(NamedTuple):
    """What a mode prepares once per ``fit_resample`` for every class's training."""

    inputs: Any               # model inputs, row-aligned with X (array of floats or ids)
    difficult: np.ndarray     # difficult_mask_ (section 7.1)
    state: Any = None         # the decoder's state for rendering (its own type)
    features: Any = None      # where nearest partners are searched (None: inputs)
    metric: str = "euclidean"


def miso_module(params, data):
    """The MISO network of Figure 2 around the decoder's encoder and decoders."""
    decoder = params.decoder
    encoder, minority_decoder, majority_decoder = decoder.build_parts(data, params)
    hidden = max(params.hidden_dim // 2, 1)
    return MISOModule(
        encoder, minority_decoder, majority_decoder,
        latent_dim=params.latent_dim, n_heads=params.n_heads, use_mi=params.use_mi,
        discriminator_hidden_dim=hidden, mine_hidden_dim=hidden,
        adversarial_weight=decoder.adversarial_weight,
        majority_signal=params.majority_signal, latent_noise=decoder.latent_noise)


class DenseMode:
    """Dense rows: difficult samples in the input space, the vector decoder.

    Parameters
    ----------
    params : namespace
        The sampler's parameters resolved for this fit (``params.decoder`` is a
        :class:`~miso_resample.decoders.VectorDecoder`).
    """

    name = "dense"

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
        inputs, scaler, _ = self.params.decoder.represent(X_dense, y, None)
        return ModeData(inputs, difficult, scaler)

    def build_module(self, data):
        return miso_module(self.params, data)

    def generate(self, net, data, source, partners, rng):
        """The decoder's anchors (standardised vectors) and how many were re-drawn."""
        return self.params.decoder.render(net, data, source, partners, rng)

    def assemble(self, X, y, anchors, labels, data):
        if not anchors:
            return X, y
        new_X = np.vstack(anchors).astype(np.float64)
        if not np.isfinite(new_X).all():
            raise TrainingDivergedError(
                f"{int((~np.isfinite(new_X)).any(axis=1).sum())} anchors are NaN or infinite: "
                "the trained network is unusable. Lower `lr` or check the features' scale.")
        scaler = data.state
        new_X = scaler.inverse_transform(new_X)
        constant = scaler.var_ == 0                  # constant features stay constant
        new_X[:, constant] = scaler.mean_[constant]
        new_X = new_X.astype(X.dtype)
        if sparse.issparse(X):
            X_res = sparse.vstack([X, sparse.csr_matrix(new_X)], format=X.format)
        else:
            X_res = np.vstack([X, new_X])
        return X_res, np.hstack([y, *labels])
