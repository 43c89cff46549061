"""The paper's imbalance protocol (section 6, "Datasets"), and a long-tailed cut of
a multi-class corpus (Cao et al. 2019's exponential profile)."""

import numpy as np
from imblearn.datasets import make_imbalance
from sklearn.utils import Bunch, check_random_state

__all__ = ["make_imbalanced_corpus", "make_long_tailed_corpus"]


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


def long_tailed_counts(class_sizes, imbalance_factor):
    """Documents kept per class, largest class first: ``n_i = n_head * factor ** (-i / (C - 1))``.

    ``class_sizes`` are the available documents of each class, in the order of
    the tail (largest first); ``n_head`` is the largest head for which every
    class has enough documents.
    """
    sizes = np.asarray(class_sizes, dtype=float)
    decay = float(imbalance_factor) ** (-np.arange(len(sizes)) / max(len(sizes) - 1, 1))
    head = np.floor(np.min(sizes / decay) + 1e-9)
    return np.maximum(1, np.floor(head * decay + 1e-9)).astype(int)


def make_long_tailed_corpus(bunch, *, imbalance_factor=10, random_state=None):
    """Every class of a multi-class corpus kept, cut to an exponential long tail.

    The classes are ordered by size (largest first, ties by name) and class
    ``i`` of ``C`` keeps ``n_head * imbalance_factor ** (-i / (C - 1))``
    documents (floored), so the head has about ``imbalance_factor`` times the tail's
    documents (the long-tailed profile of Cao et al. 2019). ``n_head`` is as
    large as the classes allow.

    Parameters
    ----------
    bunch : Bunch
        A corpus with ``data``, ``target`` and ``target_names`` (two classes or more).
    imbalance_factor : float, default=10
        Size of the largest class over the smallest; at least 1.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    bunch : Bunch
        ``data``, ``target`` (0 the head ... ``C - 1`` the tail), ``target_names``
        in that order, ``DESCR``.
    """
    if imbalance_factor < 1:
        raise ValueError(f"imbalance_factor must be at least 1; got {imbalance_factor}.")
    names, target = list(bunch.target_names), np.asarray(bunch.target)
    sizes = np.bincount(target, minlength=len(names))
    if (sizes > 0).sum() < 2:
        raise ValueError("A long tail needs a corpus of at least two classes.")
    order = sorted(np.flatnonzero(sizes), key=lambda c: (-sizes[c], names[c]))
    counts = long_tailed_counts(sizes[order], imbalance_factor)
    rng = check_random_state(random_state)
    index = np.arange(len(target)).reshape(-1, 1)
    X_idx, y_old = make_imbalance(index, target,
                                  sampling_strategy=dict(zip(order, map(int, counts))),
                                  random_state=rng.randint(np.iinfo(np.int32).max))
    rank = {c: i for i, c in enumerate(order)}
    profile = ", ".join(f"{names[c]} {n}" for c, n in zip(order, counts))
    return Bunch(data=[bunch.data[i] for i in X_idx.ravel()],
                 target=np.array([rank[c] for c in y_old]),
                 target_names=[names[c] for c in order],
                 DESCR=f"Long-tailed, imbalance factor {imbalance_factor:g}: {profile}.")
