"""One fold of one cell: fit a method on the training fold, score it on the test fold.

:func:`evaluate_fold` returns one *record*: the scores of
:func:`~miso_resample.benchmark.protocol.fold_scores`, the share of difficult
minority samples before and after resampling (Table 4; embedding backbones), the
anchor-quality metrics of :mod:`miso_resample.metrics` for the anchors the
sampler generated on that fold (columns ``anchor_*``), the optimizer steps of
the classifier's training (``train_steps``) and the seconds spent.
:func:`evaluate_cell` runs every fold of a cell and averages them.

Equal budgets: on a neural backbone every method trains for the same number of
optimizer steps in a fold, :func:`step_budget` (the classifier's default epochs
over the training fold as it is before any resampling), unless the method sets
``max_steps`` itself (``miso-fixed-epochs``: None, the old fixed-epoch rule).
"""

import math
import time

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import TunedThresholdClassifierCV
from sklearn.preprocessing import StandardScaler

from ..difficulty import find_difficult_samples
from .methods import DENSE_BACKBONES, METHODS, make_classifier, make_sampler
from .protocol import fold_scores, fold_splits, minority_class

__all__ = ["evaluate_fold", "evaluate_cell", "step_budget", "DENSE_ANCHOR_METRICS",
           "TEXT_ANCHOR_METRICS"]

DENSE_ANCHOR_METRICS = ("shrinkage", "own_source_nearest", "precision", "recall",
                        "precision_other", "p_class", "duplicate_rate")
TEXT_ANCHOR_METRICS = ("distinct_2", "distinct_2_per_source", "duplicate_rate",
                       "exact_copy_rate", "source_token_share", "p_class_ratio")
# The class judge of text anchors is cross-fitted (an anchor and its source meet a judge
# that saw neither); folds written before that hold the in-sample ``anchor_p_class_ratio``.
_COLUMNS = {"p_class_ratio": "p_class_ratio_cv"}


def _difficult_share(X, y, k_neighbors, minority):
    return 100 * find_difficult_samples(X, y, k_neighbors=k_neighbors,
                                        minority_class=minority)[y == minority].mean()


def _anchor_columns(backbone, X_train, y_train, X_res, y_res, sampler, minority):
    """``anchor_*`` metrics of the minority's anchors, prefixed for the record."""
    from .. import metrics

    if len(y_res) == len(y_train):
        return {}
    sources = getattr(sampler, "anchor_sources_", None)
    if backbone in DENSE_BACKBONES:
        report = metrics.anchor_report(X_train, y_train, X_res, y_res, sources=sources)
        names = DENSE_ANCHOR_METRICS
    else:
        report = metrics.text_anchor_report(list(np.ravel(X_train)), y_train,
                                            list(np.ravel(X_res)), y_res, sources=sources)
        names = TEXT_ANCHOR_METRICS
    values = report.get(minority, {})
    return {f"anchor_{_COLUMNS.get(name, name)}": 100 * values[name]
            if name != "p_class_ratio" else values[name] for name in names if name in values}


def step_budget(classifier, n_train):
    """Optimizer steps of ``classifier``'s default epochs over ``n_train`` rows."""
    return classifier.max_epochs * math.ceil(n_train / classifier.batch_size)


def _train_steps(model):
    """Optimizer steps of the fitted classifier (the refitted one inside a tuned
    threshold); NaN for a classifier without steps."""
    model = getattr(model, "estimator_", model)
    model = model.steps[-1][1] if hasattr(model, "steps") else model
    return float(getattr(model, "n_train_steps_", np.nan))


def _fit(backbone, method, X_train, y_train, *, minority, random_state, device, k_neighbors,
         anchors):
    """Fit the method's model on a training fold; return it and the record's extras."""
    from imblearn.pipeline import make_pipeline

    if method.threshold and len(np.unique(y_train)) > 2:
        raise ValueError("The tuned threshold is binary only: its methods do not run on "
                         "a multi-class setting.")
    sampler = (make_sampler(method.sampler, method.sampler_params, random_state=random_state,
                            device=device, k_neighbors=k_neighbors)
               if method.sampler else None)
    clf = make_classifier(backbone, method.classifier, random_state=random_state,
                          device=device)
    if "max_steps" in clf.get_params() and "max_steps" not in method.classifier:
        clf.set_params(max_steps=step_budget(clf, len(y_train)))
    if method.threshold:
        steps = [sampler, clf] if sampler is not None else [clf]
        model = TunedThresholdClassifierCV(make_pipeline(*steps), scoring="f1", cv=3,
                                           random_state=random_state)
        return model.fit(X_train, y_train), {}
    X_fit, y_fit, extra = X_train, y_train, {}
    if sampler is not None:
        X_fit, y_fit = sampler.fit_resample(X_train, y_train)
        if anchors:
            extra = _anchor_columns(backbone, X_train, y_train, X_fit, y_fit, sampler,
                                    minority)
    if backbone in DENSE_BACKBONES:
        extra["ds_after"] = _difficult_share(X_fit, y_fit, k_neighbors, minority)
    return clone(clf).fit(X_fit, y_fit), extra


def evaluate_fold(backbone, method, texts, X, y, train, test, *, random_state=0,
                  device="auto", k_neighbors=5, anchors=True):
    """Fit ``method`` of ``backbone`` on ``train`` rows and score it on ``test`` rows.

    Parameters
    ----------
    backbone : str
        One of :data:`~miso_resample.benchmark.methods.BACKBONES`.
    method : str
        A method of that backbone (:data:`~miso_resample.benchmark.methods.METHODS`).
    texts : sequence of str or None
        The documents (text backbones).
    X : ndarray of shape (n_samples, n_features)
        Their sentence embeddings: the embedding backbone's features, and the
        space in which test samples are judged difficult (Table 5).
    y : ndarray of shape (n_samples,)
        Labels. The minority is the rarest class of the training fold (1 in every
        registered binary setting), scored one against the rest, with more than
        two classes too.
    train, test : ndarray of int
        Row indices of the fold.
    random_state : int, default=0
        Seed of the samplers and classifiers.
    device : str, default="auto"
        Torch device of MISO and the neural classifiers.
    k_neighbors : int, default=5
        Neighbours for difficult samples (MISO, Tables 4-5) and for SMOTE/ADASYN.
    anchors : bool, default=True
        Compute the anchor-quality metrics of the sampler's output.

    Returns
    -------
    record : dict
        ``f1``, ``macro_f1``, ``average_precision``, ``f1_ds``, ``f1_non_ds``,
        ``ds_before``, ``ds_after`` (in %; the last two NaN off the embedding
        backbones), ``brier``, ``train_steps`` (NaN for the linear classifier),
        ``anchor_*`` metrics and ``seconds``.
    """
    spec = METHODS[backbone][method]
    start = time.perf_counter()
    scaler = StandardScaler().fit(X[train])
    E_train, E_test = scaler.transform(X[train]), scaler.transform(X[test])
    if backbone in DENSE_BACKBONES:
        inputs_train, inputs_test = E_train, E_test
    else:
        column = np.asarray(texts, dtype=object).reshape(-1, 1)
        inputs_train, inputs_test = column[train], column[test]
    minority = minority_class(y[train])
    model, extra = _fit(backbone, spec, inputs_train, y[train], minority=minority,
                        random_state=random_state, device=device, k_neighbors=k_neighbors,
                        anchors=anchors)
    proba = model.predict_proba(inputs_test)[:, list(model.classes_).index(minority)]
    record = fold_scores(y[test], np.asarray(model.predict(inputs_test)), E_train, y[train],
                         E_test, k_neighbors, proba=proba, minority=minority)
    record["train_steps"] = _train_steps(model)
    record["ds_before"] = (_difficult_share(E_train, y[train], k_neighbors, minority)
                           if backbone in DENSE_BACKBONES else np.nan)
    record.update({"ds_after": np.nan, **extra})
    record["seconds"] = time.perf_counter() - start
    return record


def evaluate_cell(backbone, method, texts, X, y, *, n_folds=5, repeats=1, random_state=0,
                  device="auto", k_neighbors=5, anchors=True):
    """Every fold of a cell (:func:`evaluate_fold`).

    Parameters
    ----------
    backbone, method, texts, X, y
        As in :func:`evaluate_fold`.
    n_folds : int, default=5
    repeats : int, default=1
        Repeat ``r`` seeds the splits and the models with ``random_state + r``.
    random_state : int, default=0
    device : str, default="auto"
    k_neighbors : int, default=5
    anchors : bool, default=True

    Returns
    -------
    records : list of dict
        One per fold, with its ``repeat`` and ``fold``.
    """
    records = []
    for repeat, fold, train, test in fold_splits(y, n_folds=n_folds, repeats=repeats,
                                                 random_state=random_state):
        record = evaluate_fold(backbone, method, texts, X, y, train, test,
                               random_state=random_state + repeat, device=device,
                               k_neighbors=k_neighbors, anchors=anchors)
        records.append({"repeat": repeat, "fold": fold, **record})
    return records
