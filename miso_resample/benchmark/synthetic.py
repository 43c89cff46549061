"""Synthetic embedding-like data for the dense benchmarks."""

import numpy as np
from sklearn.datasets import make_classification

__all__ = ["make_embedding_like"]


def make_embedding_like(n_samples=5000, n_features=384, minority=0.05, *, class_sep=0.8,
                        n_latent=32, noise=0.05, random_state=0):
    """A two-class problem with the low-rank structure of sentence embeddings.

    A ``n_latent``-d ``make_classification`` problem (half its features
    informative) is mapped into ``n_features`` dimensions by a random orthonormal
    projection, plus isotropic Gaussian ``noise``. Class 1 is the minority
    (``minority`` of the rows). Returns ``X`` (float32) and ``y``.
    """
    latent, y = make_classification(
        n_samples=n_samples, n_features=n_latent, n_informative=n_latent // 2,
        n_redundant=0, weights=[1 - minority, minority], class_sep=class_sep, flip_y=0,
        random_state=random_state)
    rng = np.random.RandomState(random_state)
    projection = np.linalg.qr(rng.normal(size=(n_features, n_latent)))[0].T
    X = latent @ projection + noise * rng.normal(size=(n_samples, n_features))
    return X.astype(np.float32), y
