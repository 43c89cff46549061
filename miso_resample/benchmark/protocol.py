"""The paper's evaluation protocol (section 6, Tables 3-5) on corpora we can obtain.

A *setting* is a corpus with one class cut to a ratio of the majority (the
paper's 1% / 5% protocol, :func:`miso_resample.datasets.make_imbalanced_corpus`)
or left at its natural ratio. A *cell* is a (setting, backbone, method) triple,
evaluated by repeated stratified k-fold cross-validation (:func:`fold_splits`);
each fold gives minority-class F1, macro-F1 and the minority F1 on difficult
and non-difficult test samples (Table 5; a test sample is difficult when one of
its ``k`` nearest training samples, in the embedding space, has another class).

Samplers, re-weighting and threshold tuning only ever see the training fold.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestNeighbors

from ..datasets import (
    fetch_bbc_news,
    fetch_rotten_tomatoes,
    fetch_spam_assassin,
    make_imbalanced_corpus,
)

__all__ = ["Setting", "SETTINGS", "load_setting", "fold_splits", "fold_scores"]


@dataclass(frozen=True)
class Setting:
    """A corpus, its minority class and the ratio the minority is cut to."""

    name: str
    corpus: str
    minority: str
    ratio: float | None          # None: the natural ratio
    majority: str | None = None  # None: every other class
    max_majority: int = 6000


SETTINGS = {s.name: s for s in [
    Setting("rotten_tomatoes-rotten-5", "rotten_tomatoes", "rotten", 0.05, "fresh"),
    Setting("rotten_tomatoes-rotten-1", "rotten_tomatoes", "rotten", 0.01, "fresh"),
    Setting("bbc_news-tech-5", "bbc_news", "tech", 0.05),
    Setting("bbc_news-tech-1", "bbc_news", "tech", 0.01),
    Setting("spam_assassin-spam-5", "spam_assassin", "spam", 0.05, "ham"),
    Setting("spam_assassin-spam-1", "spam_assassin", "spam", 0.01, "ham"),
    Setting("spam_assassin-natural", "spam_assassin", "spam", None, "ham"),
]}

_LOADERS = {"rotten_tomatoes": lambda: fetch_rotten_tomatoes(categories=["fresh", "rotten"]),
            "bbc_news": fetch_bbc_news, "spam_assassin": fetch_spam_assassin}


def load_setting(setting, *, max_majority=None, random_state=0):
    """Texts and 0/1 labels (1 = minority) of a setting.

    Parameters
    ----------
    setting : Setting
        One of :data:`SETTINGS`.
    max_majority : int or None, default=None
        Cap on the majority documents (None: the setting's own cap).
    random_state : int, default=0
        Seeds the subsampling.

    Returns
    -------
    texts : list of str
    y : ndarray of int
        1 for the minority class, 0 otherwise.
    """
    corpus = _LOADERS[setting.corpus]()
    cap = max_majority or setting.max_majority
    if setting.ratio is None:
        names = list(corpus.target_names)
        y = (np.asarray(corpus.target) == names.index(setting.minority)).astype(int)
        rng = np.random.RandomState(random_state)
        keep = np.arange(len(y))
        if (y == 0).sum() > cap:      # subsample all classes alike
            keep = np.sort(rng.choice(len(y), int(len(y) * cap / (y == 0).sum()),
                                      replace=False))
        return [corpus.data[i] for i in keep], y[keep]
    data = make_imbalanced_corpus(corpus, minority=setting.minority, ratio=setting.ratio,
                                  majority=setting.majority, max_majority=cap,
                                  random_state=random_state)
    return data.data, np.asarray(data.target)


def fold_splits(y, *, n_folds=5, repeats=1, random_state=0):
    """Repeated stratified k-fold: ``(repeat, fold, train, test)``, repeat ``r``
    shuffled with the fixed seed ``random_state + r``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels (the folds are stratified on them).
    n_folds : int, default=5
    repeats : int, default=1
    random_state : int, default=0
        Seed of repeat 0.

    Yields
    ------
    repeat, fold : int
    train, test : ndarray of int
        Row indices.
    """
    for repeat in range(repeats):
        folds = StratifiedKFold(n_folds, shuffle=True, random_state=random_state + repeat)
        for fold, (train, test) in enumerate(folds.split(np.zeros(len(y)), y)):
            yield repeat, fold, train, test


def fold_scores(y_test, pred, X_train, y_train, X_test, k_neighbors=5):
    """Minority F1, macro-F1 and F1 on difficult / non-difficult test samples (in %).

    A test sample is difficult when one of its ``k_neighbors`` nearest training
    samples (in ``X``) has another class. F1 on a subset is NaN when it has no
    minority sample and none is predicted.
    """
    neighbours = NearestNeighbors(n_neighbors=k_neighbors).fit(X_train).kneighbors(
        X_test, return_distance=False)
    difficult = (y_train[neighbours] != y_test[:, None]).any(axis=1)

    def subset_f1(mask):
        if not mask.any():
            return np.nan
        return f1_score(y_test[mask], pred[mask], zero_division=np.nan)

    return {"f1": 100 * f1_score(y_test, pred, zero_division=0),
            "macro_f1": 100 * f1_score(y_test, pred, average="macro", zero_division=0),
            "f1_ds": 100 * subset_f1(difficult), "f1_non_ds": 100 * subset_f1(~difficult)}
