"""The paper's evaluation protocol (section 6, Tables 3-5) on corpora we can obtain.

A *setting* is a corpus with one class cut to a ratio of the majority (the
paper's 1% / 5% protocol, :func:`miso_resample.datasets.make_imbalanced_corpus`)
or left at its natural ratio. A *cell* is a (setting, backbone, method) triple,
evaluated by repeated stratified k-fold cross-validation (:func:`fold_splits`);
each fold gives minority-class F1 (the primary score), macro-F1, the average
precision and Brier score of the minority probability, and the minority F1 on
difficult and non-difficult test samples (Table 5; a test sample is difficult
when one of its ``k`` nearest training samples, in the embedding space, has
another class).

Settings come in three groups (:data:`GROUPS`): ``decisive``, nine settings of at
least 80 minority documents each (a majority cap of 2,000), on which the
pre-registered tests run (``benchmarks/README.md``); ``small``, the earlier
settings (1% cuts with 12 minority documents among them), reported on their own;
and ``longtail``, BBC News' five topics cut to a long tail
(:func:`miso_resample.datasets.make_long_tailed_corpus`), multi-class, whose
"minority" is the tail class and whose score to read is macro-F1. The tuned
threshold is binary, so its methods do not run there.

Samplers, re-weighting and threshold tuning only ever see the training fold.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import NearestNeighbors

from ..datasets import (
    fetch_bbc_news,
    fetch_rotten_tomatoes,
    fetch_spam_assassin,
    make_imbalanced_corpus,
    make_long_tailed_corpus,
)

__all__ = ["Setting", "SETTINGS", "GROUPS", "expand_settings", "load_setting", "fold_splits",
           "minority_class", "fold_scores"]


@dataclass(frozen=True)
class Setting:
    """A corpus, its minority class and the ratio the minority is cut to; or, with
    ``imbalance_factor``, every class of the corpus cut to a long tail."""

    name: str
    corpus: str
    minority: str | None
    ratio: float | None          # None: the natural ratio
    majority: str | None = None  # None: every other class
    max_majority: int = 3000
    imbalance_factor: float | None = None   # multi-class long tail (minority: the tail)


_SMALL = [
    Setting("rotten_tomatoes-rotten-5", "rotten_tomatoes", "rotten", 0.05, "fresh"),
    Setting("rotten_tomatoes-rotten-1", "rotten_tomatoes", "rotten", 0.01, "fresh"),
    Setting("bbc_news-tech-5", "bbc_news", "tech", 0.05),
    Setting("bbc_news-tech-1", "bbc_news", "tech", 0.01),
    Setting("spam_assassin-spam-5", "spam_assassin", "spam", 0.05, "ham"),
    Setting("spam_assassin-spam-1", "spam_assassin", "spam", 0.01, "ham"),
    Setting("spam_assassin-natural", "spam_assassin", "spam", None, "ham"),
]
# Each class of each corpus (both of a binary one) cut to 5% of at most 2,000 majority
# documents: 81-100 minority documents per setting.
_DECISIVE = [
    *(Setting(f"bbc_news-{topic}-5-2k", "bbc_news", topic, 0.05, max_majority=2000)
      for topic in ("business", "entertainment", "politics", "sports", "tech")),
    Setting("rotten_tomatoes-rotten-5-2k", "rotten_tomatoes", "rotten", 0.05, "fresh", 2000),
    Setting("rotten_tomatoes-fresh-5-2k", "rotten_tomatoes", "fresh", 0.05, "rotten", 2000),
    Setting("spam_assassin-spam-5-2k", "spam_assassin", "spam", 0.05, "ham", 2000),
    Setting("spam_assassin-ham-5-2k", "spam_assassin", "ham", 0.05, "spam", 2000),
]
# BBC News' five topics, largest first, cut to a head ten times the tail: 505 / 283 /
# 159 / 89 / 50 documents. Reported on its own (macro-F1 is its score to read).
_LONGTAIL = [Setting("bbc_news-longtail-10", "bbc_news", None, None, imbalance_factor=10)]
SETTINGS = {s.name: s for s in _SMALL + _DECISIVE + _LONGTAIL}
GROUPS = {"decisive": [s.name for s in _DECISIVE], "small": [s.name for s in _SMALL],
          "longtail": [s.name for s in _LONGTAIL]}


def expand_settings(names):
    """Setting names, with a group name of :data:`GROUPS` replaced by its settings."""
    return list(dict.fromkeys(n for name in names for n in GROUPS.get(name, [name])))

_LOADERS = {"rotten_tomatoes": lambda: fetch_rotten_tomatoes(categories=["fresh", "rotten"]),
            "bbc_news": fetch_bbc_news, "spam_assassin": fetch_spam_assassin}


def load_setting(setting, *, max_majority=None, random_state=0):
    """Texts and 0/1 labels (1 = minority) of a setting.

    Parameters
    ----------
    setting : Setting
        One of :data:`SETTINGS`.
    max_majority : int or None, default=None
        Cap on the majority documents (None: the setting's own cap). A long-tailed
        setting ignores it: its head is as large as its classes allow.
    random_state : int, default=0
        Seeds the subsampling.

    Returns
    -------
    texts : list of str
    y : ndarray of int
        1 for the minority class, 0 otherwise; with ``imbalance_factor``, the
        class's rank by size (0 the head ... the tail last).
    """
    corpus = _LOADERS[setting.corpus]()
    if setting.imbalance_factor is not None:
        data = make_long_tailed_corpus(corpus, imbalance_factor=setting.imbalance_factor,
                                       random_state=random_state)
        return data.data, np.asarray(data.target)
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


def minority_class(y):
    """The rarest label of ``y`` (1 in every binary setting; the tail of a long one)."""
    labels, counts = np.unique(y, return_counts=True)
    return labels[np.flatnonzero(counts == counts.min())[-1]]


def fold_scores(y_test, pred, X_train, y_train, X_test, k_neighbors=5, proba=None, minority=1):
    """Minority F1, macro-F1, F1 on difficult / non-difficult test samples (in %), and
    with ``proba`` (the minority's predicted probability) the average precision (in %)
    and the Brier score (in [0, 1]; NaN without ``proba``).

    The minority is the label ``minority``, scored one against the rest (with
    more than two classes too); macro-F1 averages every class.

    A test sample is difficult when one of its ``k_neighbors`` nearest training
    samples (in ``X``) has another class. F1 on a subset is NaN when it has no
    minority sample and none is predicted.
    """
    neighbours = NearestNeighbors(n_neighbors=k_neighbors).fit(X_train).kneighbors(
        X_test, return_distance=False)
    difficult = (y_train[neighbours] != y_test[:, None]).any(axis=1)

    is_minority, says_minority = y_test == minority, pred == minority

    def subset_f1(mask):
        if not mask.any():
            return np.nan
        return f1_score(is_minority[mask], says_minority[mask], zero_division=np.nan)

    ranked = proba is not None
    return {"f1": 100 * f1_score(is_minority, says_minority, zero_division=0),
            "macro_f1": 100 * f1_score(y_test, pred, average="macro", zero_division=0),
            "average_precision": (100 * average_precision_score(is_minority, proba)
                                  if ranked else np.nan),
            "brier": brier_score_loss(is_minority, proba) if ranked else np.nan,
            "f1_ds": 100 * subset_f1(difficult), "f1_non_ds": 100 * subset_f1(~difficult)}
