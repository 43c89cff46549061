"""The paper's evaluation protocol (section 6, Tables 3-5) on corpora we can obtain.

A *setting* is a corpus with one class cut to a ratio of the majority (the
paper's 1% / 5% protocol, :func:`miso_resample.datasets.make_imbalanced_corpus`)
or left at its natural ratio. A *cell* is a (setting, backbone, method)
triple, evaluated by stratified k-fold cross-validation: minority-class F1 and
macro-F1 (mean and standard deviation over the folds), the share of difficult
minority samples in the training fold before and after resampling (Table 4),
and the minority F1 on difficult vs non-difficult test samples (Table 5; a test
sample is difficult when one of its ``k`` nearest training samples belongs to
another class).

Backbones:

* ``embedding`` (texts -> all-MiniLM-L6-v2 sentence embeddings ->
  StandardScaler -> sampler -> LogisticRegression, the M-XLNet analogue with a
  pretrained transformer). The embedding model is unsupervised and frozen, so
  texts are embedded once per setting.
* ``textcnn`` and ``textrnn`` (the M-CNN / M-RNN analogues): samplers work on
  the raw texts (MISO in text mode, random over-sampling of texts), then
  :class:`~miso_resample.classifiers.TextCNNClassifier` or
  :class:`~miso_resample.classifiers.TextRNNClassifier` is trained on them; the
  re-weighting and long-tail baselines (focal, dice, cRT, tau-norm) are options
  of those classifiers. Difficult shares are not measured for them (the
  generated texts would have to be embedded); difficulty of test samples
  (Table 5) is still judged in the embedding space.

Samplers, re-weighting and threshold tuning only ever see the training fold.
"""

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from ..datasets import (fetch_bbc_news, fetch_rotten_tomatoes, fetch_spam_assassin,
                        make_imbalanced_corpus)
from ..difficulty import find_difficult_samples

__all__ = ["SETTINGS", "METHODS", "TEXT_METHODS", "BACKBONES", "Setting", "load_setting",
           "evaluate_cell", "evaluate_text_cell"]


@dataclass(frozen=True)
class Setting:
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
    """Texts and 0/1 labels (1 = minority) of a setting."""
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


def _sampler(name, seed):
    from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler

    from .._sampler import MISOSampler

    return {"ros": lambda: RandomOverSampler(random_state=seed),
            "smote": lambda: SMOTE(random_state=seed),
            "adasyn": lambda: ADASYN(random_state=seed),
            "miso": lambda: MISOSampler(random_state=seed),
            "cag": lambda: MISOSampler(random_state=seed, use_mi=False)}[name]()


# method -> (sampler name or None, class_weight, tuned threshold)
METHODS = {
    "none": (None, None, False),
    "ros": ("ros", None, False),
    "smote": ("smote", None, False),
    "adasyn": ("adasyn", None, False),
    "balanced": (None, "balanced", False),
    "threshold": (None, None, True),
    "cag": ("cag", None, False),
    "miso": ("miso", None, False),
    "miso+threshold": ("miso", None, True),
}


def _fold_scores(y_test, pred, X_train, y_train, X_test, k_neighbors):
    """Minority F1, macro-F1 and F1 on difficult / non-difficult test samples of one fold.

    A test sample is difficult when one of its ``k_neighbors`` nearest training
    samples (in ``X``) has another class. F1 on a subset is NaN when it has no
    minority sample and none is predicted (such folds are left out of means).
    """
    neighbours = NearestNeighbors(n_neighbors=k_neighbors).fit(X_train).kneighbors(
        X_test, return_distance=False)
    difficult = (y_train[neighbours] != y_test[:, None]).any(axis=1)

    def subset_f1(mask):
        return f1_score(y_test[mask], pred[mask], zero_division=np.nan) if mask.any() else np.nan

    return {"f1": f1_score(y_test, pred, zero_division=0),
            "macro_f1": f1_score(y_test, pred, average="macro", zero_division=0),
            "f1_ds": subset_f1(difficult), "f1_non_ds": subset_f1(~difficult)}


def _summary(scores, seconds):
    """Mean and standard deviation over folds, in %, NaN folds left out."""
    out = {"seconds": seconds}
    for key, values in scores.items():
        values = 100 * np.asarray(values, dtype=float)
        finite = np.isfinite(values).any()
        out[key] = float(np.nanmean(values)) if finite else np.nan
        out[key + "_sd"] = float(np.nanstd(values)) if finite else np.nan
    return out


def evaluate_cell(X, y, method, *, n_folds=5, k_neighbors=5, random_state=0, progress=None):
    """Cross-validate one method on embeddings ``X`` (n, d) with labels ``y`` (1 = minority).

    Returns a dict of per-fold means and standard deviations (in %) and timings.
    """
    sampler_name, class_weight, tune = METHODS[method]
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=random_state)
    scores = {k: [] for k in ("f1", "macro_f1", "ds_before", "ds_after", "f1_ds", "f1_non_ds")}
    start = time.perf_counter()
    for fold, (train, test) in enumerate(folds.split(X, y)):
        scaler = StandardScaler().fit(X[train])
        X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
        y_train, y_test = y[train], y[test]
        clf = LogisticRegression(max_iter=2000, class_weight=class_weight)
        ds_before = find_difficult_samples(X_train, y_train, k_neighbors=k_neighbors,
                                           minority_class=1)[y_train == 1].mean()
        if tune:
            from imblearn.pipeline import make_pipeline

            steps = [_sampler(sampler_name, random_state)] if sampler_name else []
            model = TunedThresholdClassifierCV(
                make_pipeline(*steps, clf), scoring="f1", cv=3, random_state=random_state)
            model.fit(X_train, y_train)
            ds_after = np.nan
        else:
            X_fit, y_fit = X_train, y_train
            if sampler_name:
                X_fit, y_fit = _sampler(sampler_name, random_state).fit_resample(
                    X_train, y_train)
            ds_after = find_difficult_samples(X_fit, y_fit, k_neighbors=k_neighbors,
                                              minority_class=1)[y_fit == 1].mean()
            model = clone(clf).fit(X_fit, y_fit)
        fold = _fold_scores(y_test, model.predict(X_test), X_train, y_train, X_test,
                            k_neighbors)
        for key, value in {**fold, "ds_before": ds_before, "ds_after": ds_after}.items():
            scores[key].append(value)
        if progress is not None:
            progress.update(1)
    return _summary(scores, time.perf_counter() - start)


BACKBONES = ("embedding", "textcnn", "textrnn")

# method -> (sampler name or None, classifier options, tuned threshold), text backbones
TEXT_METHODS = {
    "none": (None, {}, False),
    "ros": ("ros", {}, False),
    "balanced": (None, {"class_weight": "balanced"}, False),
    "threshold": (None, {}, True),
    "focal": (None, {"loss": "focal"}, False),
    "dice": (None, {"loss": "dice"}, False),
    "crt": (None, {"long_tail": "crt"}, False),
    "tau_norm": (None, {"long_tail": "tau_norm"}, False),
    "cag": ("cag", {}, False),
    "miso": ("miso", {}, False),
    "miso+threshold": ("miso", {}, True),
}


def _text_classifier(backbone, options, seed, device):
    from ..classifiers import TextCNNClassifier, TextRNNClassifier

    cls = {"textcnn": TextCNNClassifier, "textrnn": TextRNNClassifier}[backbone]
    return cls(random_state=seed, device=device, **options)


def evaluate_text_cell(texts, X, y, backbone, method, *, n_folds=5, k_neighbors=5,
                       random_state=0, device="auto", progress=None):
    """Cross-validate one method with a text backbone (``"textcnn"`` or ``"textrnn"``).

    ``X`` holds the texts' embeddings, used only to tell difficult test samples
    (Table 5). Returns the same keys as :func:`evaluate_cell` (difficult shares NaN).
    """
    from imblearn.pipeline import make_pipeline

    sampler_name, options, tune = TEXT_METHODS[method]
    texts = np.asarray(texts, dtype=object).reshape(-1, 1)
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=random_state)
    scores = {k: [] for k in ("f1", "macro_f1", "f1_ds", "f1_non_ds")}
    start = time.perf_counter()
    for train, test in folds.split(texts, y):
        steps = [_sampler(sampler_name, random_state)] if sampler_name else []
        model = make_pipeline(*steps, _text_classifier(backbone, options, random_state,
                                                       device))
        if tune:
            model = TunedThresholdClassifierCV(model, scoring="f1", cv=3,
                                               random_state=random_state)
        model.fit(texts[train], y[train])
        fold = _fold_scores(y[test], model.predict(texts[test]), X[train], y[train], X[test],
                            k_neighbors)
        for key, value in fold.items():
            scores[key].append(value)
        if progress is not None:
            progress.update(1)
    return {**_summary(scores, time.perf_counter() - start), "ds_before": np.nan,
            "ds_before_sd": np.nan, "ds_after": np.nan, "ds_after_sd": np.nan}
