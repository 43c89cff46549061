"""Difficult samples (paper, section 7.1).

"We counted the number gamma of majority samples in the k-nearest neighbors of
each minority sample. If gamma > 0, the corresponding minority sample is
considered as a difficult sample." With several classes, a neighbour of *any*
other class counts.
"""

from numbers import Integral

import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_array, check_consistent_length, column_or_1d

__all__ = ["find_difficult_samples", "difficult_share"]


def _as_label_set(minority_class):
    if isinstance(minority_class, (list, tuple, set, np.ndarray)):
        return list(minority_class)
    return [minority_class]


@validate_params(
    {"X": ["array-like", "sparse matrix"], "y": ["array-like"],
     "k_neighbors": [Interval(Integral, 1, None, closed="left")],
     "minority_class": "no_validation", "metric": [str, callable], "n_jobs": [Integral, None]},
    prefer_skip_nested_validation=True)
def find_difficult_samples(X, y, *, k_neighbors=5, minority_class=None, metric="euclidean",
                           n_jobs=None):
    """Mask of the difficult minority samples.

    A minority sample is *difficult* when at least one of its ``k_neighbors``
    nearest neighbours (itself excluded) belongs to another class.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Feature vectors (for texts, an embedding of them).
    y : array-like of shape (n_samples,)
        Class labels.
    k_neighbors : int, default=5
        Number of nearest neighbours inspected; must be smaller than
        ``n_samples``.
    minority_class : label, list of labels or None, default=None
        The class(es) whose samples may be difficult. ``None`` means every class
        but the majority (the most frequent) one.
    metric : str, default="euclidean"
        Distance of :class:`sklearn.neighbors.NearestNeighbors` (e.g.
        ``"cosine"`` for embeddings).
    n_jobs : int or None, default=None
        Parallel jobs of the neighbour search.

    Returns
    -------
    mask : ndarray of shape (n_samples,), dtype=bool
        True exactly for minority samples with at least one neighbour of
        another class among their ``k_neighbors`` nearest.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [0.15]])
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> find_difficult_samples(X, y, k_neighbors=1, minority_class=1)
    array([False, False, False, False, False,  True])
    """
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=None)
    y = column_or_1d(y, warn=True)
    check_consistent_length(X, y)
    if k_neighbors >= len(y):
        raise ValueError(
            f"k_neighbors={k_neighbors} must be smaller than the number of samples ({len(y)}).")
    classes, counts = np.unique(y, return_counts=True)
    if minority_class is None:
        minority = [c for c in classes if c != classes[np.argmax(counts)]]
    else:
        minority = _as_label_set(minority_class)
        unknown = [c for c in minority if c not in set(classes.tolist())]
        if unknown:
            raise ValueError(
                f"minority_class {unknown} not found in y; classes are {classes.tolist()}.")
    mask = np.zeros(len(y), dtype=bool)
    rows = np.flatnonzero(np.isin(y, minority))
    if rows.size == 0:
        return mask
    nn = NearestNeighbors(n_neighbors=k_neighbors + 1, metric=metric, n_jobs=n_jobs).fit(X)
    neighbours = nn.kneighbors(X[rows], return_distance=False)
    # Drop the query itself; with duplicates it may not come first, else drop the last.
    is_self = neighbours == rows[:, None]
    no_self = ~is_self.any(axis=1)
    is_self[no_self, -1] = True
    neighbours = neighbours[~is_self].reshape(len(rows), k_neighbors)
    mask[rows] = (y[neighbours] != y[rows][:, None]).any(axis=1)
    return mask


def difficult_share(X, y, *, minority_class, k_neighbors=5, metric="euclidean"):
    """Share (in [0, 1]) of the samples of ``minority_class`` that are difficult."""
    y = column_or_1d(y)
    mask = find_difficult_samples(
        X, y, k_neighbors=k_neighbors, minority_class=minority_class, metric=metric)
    members = np.isin(y, _as_label_set(minority_class))
    return float(mask[members].mean()) if members.any() else 0.0
