"""Quality metrics of the anchors (synthetic rows) of any over-sampler.

Over-samplers (``MISOSampler``, SMOTE, ADASYN, ``RandomOverSampler``) return
the original rows followed by their anchors: ``X_res[:n]`` equals ``X`` and
``X_res[n:]`` are the anchors, of classes ``y_res[n:]``. The reports here
tell whether those anchors carry information:

* :func:`anchor_report` (dense numeric data): are the anchors shrunken
  reconstructions of their sources (``shrinkage``, ``own_source_nearest``), on
  the class's side of the boundary (``precision``, ``precision_other``,
  ``p_class``), varied (``recall``, ``duplicate_rate``)?
* :func:`text_anchor_report` (texts): do text anchors read as text of their
  class (``distinct_n``, copies, duplicates, ``p_class``)?

* :func:`perplexity` (texts, optional extra ``lm``): how likely a reference
  language model finds them, next to real texts of the corpus.

Helpers: :func:`knn_precision_recall` (Kynkaenniemi et al., 2019),
:func:`distinct_n` and :func:`tokenize`.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import euclidean_distances, pairwise_distances_chunked
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import check_array

from ._lm_metrics import perplexity
from ._text_metrics import (
    _check_labels,
    _check_sources,
    _key,
    distinct_n,
    text_anchor_report,
    tokenize,
)

__all__ = ["anchor_report", "knn_precision_recall", "text_anchor_report", "distinct_n",
           "perplexity", "tokenize"]

# Relative slack of the ball-membership test (distances come from the dot-product
# formula, exact to ~1e-8 relative): a point on a ball's boundary counts as inside.
_SLACK = 1e-7


def _dense(X, name):
    X = check_array(X, accept_sparse=True, dtype=np.float64, input_name=name)
    return X.toarray() if sparse.issparse(X) else X


def _check_resampled(X, y, X_res, y_res):
    """Dense ``X``, ``y``, the anchors and their labels; ``X_res`` must start with ``X``."""
    X, X_res = _dense(X, "X"), _dense(X_res, "X_res")
    n = X.shape[0]
    if X_res.shape[1] != X.shape[1]:
        raise ValueError(f"X_res has {X_res.shape[1]} features, X has {X.shape[1]}.")
    if X_res.shape[0] < n or not np.allclose(X_res[:n], X):
        raise ValueError("X_res must start with X (over-samplers append their anchors after "
                         "the originals): its first len(X) rows differ from X.")
    y, y_res = _check_labels(y, y_res, n, X_res.shape[0])
    return X, y, X_res[n:], y_res[n:]


def _radii(points, k):
    """Distance of each point to its k-th nearest other point (k capped at len - 1)."""
    k = min(k, len(points) - 1)
    if k < 1:
        return np.zeros(len(points))
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return distances[:, k]     # column 0 is the point itself (distance 0)


def _bound(radii):
    """Radii with the slack of the membership test (a boundary point is inside)."""
    return radii * (1 + _SLACK) + _SLACK * np.sqrt(np.mean(radii ** 2) + 1e-300)


def _inside(queries, centres, radii):
    """Mask of the queries inside at least one ball ``(centres[i], radii[i])``."""
    if len(queries) == 0 or len(centres) == 0:
        return np.zeros(len(queries), dtype=bool)
    bound = _bound(radii)

    def reduce(chunk, start):
        return (chunk <= bound[None, :]).any(axis=1)

    return np.concatenate(list(pairwise_distances_chunked(queries, centres,
                                                          reduce_func=reduce)))


@validate_params({"real": ["array-like", "sparse matrix"], "fake": ["array-like", "sparse matrix"],
                  "k": [Interval(Integral, 1, None, closed="left")]},
                 prefer_skip_nested_validation=True)
def knn_precision_recall(real, fake, k=5):
    """Improved precision and recall of Kynkaanniemi et al. (2019).

    The manifold of a set of points is the union of the balls centred on each
    point with radius the distance to its ``k``-th nearest neighbour in the set
    (itself excluded; ``k`` is capped at the set size minus one, and a single
    point has radius 0). Euclidean distances; a point on a boundary is inside.

    Parameters
    ----------
    real : array-like of shape (n_real, n_features)
        Real samples.
    fake : array-like of shape (n_fake, n_features)
        Generated samples.
    k : int, default=5
        Neighbour rank of the radii.

    Returns
    -------
    precision : float
        Share of ``fake`` inside the real manifold (NaN if ``fake`` is empty).
    recall : float
        Share of ``real`` inside the fake manifold (NaN if ``real`` is empty).

    Examples
    --------
    >>> knn_precision_recall([[0.], [1.], [2.], [3.]], [[1.5], [10.]], k=1)
    (0.5, 1.0)
    """
    real, fake = _dense(real, "real"), _dense(fake, "fake")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real has {real.shape[1]} features, fake has {fake.shape[1]}.")
    precision = _inside(fake, real, _radii(real, k)).mean() if len(fake) else np.nan
    recall = _inside(real, fake, _radii(fake, k)).mean() if len(fake) and len(real) else (
        0.0 if len(real) else np.nan)
    return float(precision), float(recall)


def _duplicate_rate(anchors, sources, tol):
    """Share of anchors with another anchor of the same source within ``tol``."""
    duplicated = np.zeros(len(anchors), dtype=bool)
    order = np.argsort(sources, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(sources[order])) + 1)
    for group in groups:
        if len(group) < 2:
            continue
        d = np.sqrt(((anchors[group, None, :] - anchors[None, group, :]) ** 2).sum(-1)) \
            if len(group) <= 64 else np.vstack(list(pairwise_distances_chunked(
                anchors[group], anchors[group])))
        np.fill_diagonal(d, np.inf)
        duplicated[group] = (d <= tol).any(axis=1)
    return float(duplicated.mean())


def _class_scores(model, rows, cls):
    """(share predicted as ``cls``, mean probability of ``cls``) of ``rows``."""
    hit = float(np.mean(model.predict(rows) == cls))
    if not hasattr(model, "predict_proba"):
        return hit, float("nan")
    column = list(model.classes_).index(cls)
    return hit, float(np.mean(model.predict_proba(rows)[:, column]))


def _anchor_pass(X, real_idx, other_idx, anchors, src, k):
    """One chunked pass over the anchor-to-original distances of one class.

    Returns the sources (the nearest same-class original where ``src`` is None),
    and masks: anchor nearest to its own source, anchor inside the class's real
    manifold, inside the other classes' manifold, real sample inside the
    anchors' manifold.
    """
    bound_real = _bound(_radii(X[real_idx], k))
    bound_other = _bound(_radii(X[other_idx], k)) if len(other_idx) else None
    bound_anchor = _bound(_radii(anchors, k))
    n = len(anchors)
    infer = src is None
    src = np.empty(n, dtype=np.intp) if infer else src
    own, in_real, in_other = (np.zeros(n, dtype=bool) for _ in range(3))
    covered = np.zeros(len(real_idx), dtype=bool)
    step = max(1, 8_000_000 // len(X))
    for start in range(0, n, step):
        part = slice(start, start + step)
        D = euclidean_distances(anchors[part], X)
        D_real = D[:, real_idx]
        if infer:
            src[part] = real_idx[np.argmin(D_real, axis=1)]
        to_source = D[np.arange(D.shape[0]), src[part]]
        own[part] = to_source <= D.min(axis=1) * (1 + _SLACK) + 1e-12
        in_real[part] = (D_real <= bound_real).any(axis=1)
        if bound_other is not None:
            in_other[part] = (D[:, other_idx] <= bound_other).any(axis=1)
        covered |= (D_real <= bound_anchor[part, None]).any(axis=0)
    return src, own, in_real, in_other if bound_other is not None else None, covered


def _geometry(X, y, cls, anchors, src, k, duplicate_tol):
    """Geometric metrics of one class's anchors, and their sources (inferred when
    ``src`` is None)."""
    real_idx, other_idx = np.flatnonzero(y == cls), np.flatnonzero(y != cls)
    if not real_idx.size:
        raise ValueError(f"Anchors of class {cls!r} have no original sample of their "
                         "class to compare with.")
    src, own, in_real, in_other, covered = _anchor_pass(
        X, real_idx, other_idx, anchors, src, k)
    centre = X.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (np.linalg.norm(anchors - centre, axis=1)
                 / np.linalg.norm(X[src] - centre, axis=1))
    finite = ratio[np.isfinite(ratio)]          # a source at the centre: undefined
    real = X[real_idx]
    spread = np.sqrt(np.mean(((real - real.mean(axis=0)) ** 2).sum(axis=1)))
    return {
        "n_anchors": len(anchors),
        "shrinkage": float(finite.mean()) if finite.size else float("nan"),
        "shrinkage_median": float(np.median(finite)) if finite.size else float("nan"),
        "own_source_nearest": float(own.mean()),
        "precision": float(in_real.mean()),
        "recall": float(covered.mean()),
        "precision_other": float(in_other.mean()) if in_other is not None else float("nan"),
        "duplicate_rate": _duplicate_rate(anchors, src, duplicate_tol * spread + 1e-12),
    }, src


@validate_params(
    {"X": ["array-like", "sparse matrix"], "y": ["array-like"],
     "X_res": ["array-like", "sparse matrix"], "y_res": ["array-like"],
     "sources": ["array-like", None], "k_neighbors": [Interval(Integral, 1, None, closed="left")],
     "duplicate_tol": [Interval(Real, 0, None, closed="left")],
     "classifier": [HasMethods(["fit", "predict"]), None], "random_state": [Integral]},
    prefer_skip_nested_validation=True)
def anchor_report(X, y, X_res, y_res, *, sources=None, k_neighbors=5, duplicate_tol=0.05,
                  classifier=None, random_state=0):
    """Quality metrics of the dense anchors appended by an over-sampler.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The original data (sparse input is densified).
    y : array-like of shape (n_samples,)
        Its classes.
    X_res : {array-like, sparse matrix} of shape (n_samples_res, n_features)
        The resampled data; must start with ``X`` (``np.allclose``).
    y_res : array-like of shape (n_samples_res,)
        Its classes; must start with ``y``.
    sources : array-like of int of shape (n_anchors,), default=None
        Index in ``X`` of each anchor's source (e.g. ``MISOSampler``'s
        ``anchor_sources_``); each must be a sample of the anchor's class.
        None: each anchor's source is its nearest original sample of the same
        class, i.e. the copied row for ``RandomOverSampler`` and the nearer of
        the two interpolation endpoints for SMOTE/ADASYN.
    k_neighbors : int, default=5
        Neighbour rank ``k`` of the precision/recall radii.
    duplicate_tol : float, default=0.05
        Two anchors of the same source closer than ``duplicate_tol`` times the
        class spread (root mean squared distance of the class's real samples to
        their centroid) are duplicates.
    classifier : classifier, default=None
        Unfitted classifier (cloned, fitted on ``(X, y)``); default
        ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))``.
        ``mean_proba`` is NaN if it has no ``predict_proba``.
    random_state : int, default=0
        Set as ``random_state`` of the classifier when it takes one and leaves
        it None (the default classifier is deterministic).

    Returns
    -------
    report : dict
        For each class with anchors, a dict: ``n_anchors``; ``shrinkage``
        (mean of ``||anchor - m|| / ||source - m||``, ``m`` the mean of ``X``;
        1: as far out as the source, below 1: pulled to the centre; sources at
        ``m`` are left out) and ``shrinkage_median``; ``own_source_nearest``
        (share of anchors whose nearest original sample, any class, is their
        source; ties count); ``precision``, ``recall`` (see
        :func:`knn_precision_recall`, against the class's real samples);
        ``precision_other`` (precision against the other classes' real
        samples pooled; high: anchors land among them); ``p_class``,
        ``mean_proba`` (anchors predicted as, and mean probability of, their
        class), ``p_class_sources`` (``p_class`` of the anchors' sources, one
        per anchor, in-sample); ``duplicate_rate``. No anchors: ``{}``.
        Classifier metrics are NaN when ``y`` has a single class.
    """
    X, y, anchors, anchor_y = _check_resampled(X, y, X_res, y_res)
    if len(anchors) == 0:
        return {}
    if sources is not None:
        sources = _check_sources(sources, y, anchor_y)
    model = None
    if len(np.unique(y)) > 1:
        model = clone(classifier) if classifier is not None else make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=2000))
        if "random_state" in model.get_params() and model.get_params()["random_state"] is None:
            model.set_params(random_state=random_state)
        model.fit(X, y)
    report = {}
    for cls in np.unique(anchor_y):
        rows = np.flatnonzero(anchor_y == cls)
        out, src = _geometry(X, y, cls, anchors[rows],
                             None if sources is None else sources[rows], k_neighbors,
                             duplicate_tol)
        nan = (float("nan"), float("nan"))
        p, proba = _class_scores(model, anchors[rows], cls) if model is not None else nan
        p_sources = _class_scores(model, X[src], cls)[0] if model is not None else nan[0]
        out.update(p_class=p, mean_proba=proba, p_class_sources=p_sources)
        report[_key(cls)] = out
    return report
