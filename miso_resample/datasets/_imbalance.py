"""The paper's imbalance protocol (section 6, "Datasets")."""

import numpy as np
from imblearn.datasets import make_imbalance
from sklearn.utils import Bunch, check_random_state

__all__ = ["make_imbalanced_corpus"]


def make_imbalanced_corpus(bunch, *, minority, ratio=0.05, majority=None, max_majority=None,
                           random_state=None):
    """One class cut to ``ratio`` of the majority, as in the paper (1% or 5%).

    Binary (``majority`` names one class) or one-vs-rest (``majority=None``:
    every other class is the majority, labelled 0; the minority is labelled 1),
    through :func:`imblearn.datasets.make_imbalance`.

    Parameters
    ----------
    bunch : Bunch
        A corpus with ``data``, ``target`` and ``target_names``.
    minority : str
        Name of the minority class.
    ratio : float, default=0.05
        Minority size as a fraction of the majority size.
    majority : str or None, default=None
        The majority class; None means all classes but the minority.
    max_majority : int or None, default=None
        Subsample the majority to at most this many documents first.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    bunch : Bunch
        ``data``, ``target`` (0 majority, 1 minority), ``target_names``
        ``[majority_name, minority]``, ``DESCR``.
    """
    rng = check_random_state(random_state)
    names = list(bunch.target_names)
    if minority not in names or (majority is not None and majority not in names):
        raise ValueError(f"Unknown class; the corpus has {names}.")
    target = np.asarray(bunch.target)
    is_minority = target == names.index(minority)
    keep = is_minority | (target == names.index(majority) if majority else ~is_minority)
    index = np.flatnonzero(keep)
    y = is_minority[index].astype(int)
    n_major = int((y == 0).sum())
    if max_majority is not None and n_major > max_majority:
        n_major = max_majority
    n_minor = max(1, int(round(ratio * n_major)))
    if n_minor > int(y.sum()):
        raise ValueError(f"The corpus has {int(y.sum())} '{minority}' documents; "
                         f"{n_minor} are needed for ratio={ratio}.")
    X_idx, y_new = make_imbalance(index.reshape(-1, 1), y,
                                  sampling_strategy={0: n_major, 1: n_minor},
                                  random_state=rng.randint(np.iinfo(np.int32).max))
    chosen = X_idx.ravel()
    majority_name = majority or f"not {minority}"
    return Bunch(data=[bunch.data[i] for i in chosen], target=y_new,
                 target_names=[majority_name, minority],
                 DESCR=f"{minority} at {ratio:.0%} of {majority_name} ({n_minor} vs {n_major}).")
