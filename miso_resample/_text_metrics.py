"""Text anchor metrics, and helpers shared with :mod:`miso_resample.metrics`.

Public names are re-exported by :mod:`miso_resample.metrics`; import them from
there.
"""

import re
from collections import Counter, defaultdict
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import column_or_1d

__all__ = ["tokenize", "distinct_n", "text_anchor_report"]

_TOKEN = re.compile(r"\w+|[^\w\s]")


# -- helpers shared with the dense report --------------------------------------------------
def _key(label):
    """A class label as a plain Python value (dict key)."""
    return label.item() if isinstance(label, np.generic) else label


def _check_labels(y, y_res, n, n_res):
    """1-D labels; ``y_res`` must have ``n_res`` entries and start with ``y``."""
    y, y_res = column_or_1d(y), column_or_1d(y_res)
    if len(y) != n:
        raise ValueError(f"y has {len(y)} labels for {n} original samples.")
    if len(y_res) != n_res:
        raise ValueError(f"y_res has {len(y_res)} labels for {n_res} resampled samples.")
    if not np.array_equal(y_res[:n], y):
        raise ValueError("y_res must start with y: the first len(y) labels of y_res differ "
                         "from y (over-samplers append their anchors after the originals).")
    return y, y_res


def _check_sources(sources, y, anchor_y):
    """Validate user-given ``sources`` (indices into the originals, one per anchor)."""
    sources = np.asarray(sources)
    if sources.ndim != 1 or len(sources) != len(anchor_y):
        raise ValueError(f"sources must hold one index per anchor ({len(anchor_y)}); got "
                         f"shape {sources.shape}.")
    if sources.size and sources.dtype.kind not in "iu":
        if sources.dtype.kind != "f" or not np.all(sources == np.round(sources)):
            raise ValueError(f"sources must be integer indices into X; got dtype "
                             f"{sources.dtype}.")
    sources = sources.astype(np.intp)
    bad = np.flatnonzero((sources < 0) | (sources >= len(y)))
    if bad.size:
        raise ValueError(f"sources must be indices in [0, {len(y)}) (rows of the original "
                         f"data); anchors {bad[:10].tolist()} have {sources[bad[:10]].tolist()}.")
    wrong = np.flatnonzero(y[sources] != anchor_y)
    if wrong.size:
        raise ValueError(f"Each anchor's source must be an original sample of the anchor's "
                         f"class; anchors {wrong[:10].tolist()} are not.")
    return sources


# -- text helpers ---------------------------------------------------------------------------
def tokenize(text):
    """Lower-cased word and punctuation tokens: ``re.findall(r"\\w+|[^\\w\\s]", text)``.

    Parameters
    ----------
    text : str
        A text.

    Returns
    -------
    tokens : list of str
    """
    return _TOKEN.findall(text.lower())


def _ngrams(tokens, n):
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


@validate_params({"texts": "no_validation", "n": [Interval(Integral, 1, None, closed="left")]},
                 prefer_skip_nested_validation=True)
def distinct_n(texts, n):
    """Distinct-n: unique n-grams over total n-grams of a set of texts.

    Parameters
    ----------
    texts : iterable of str
        The texts; n-grams are taken within each text (never across two), on
        the tokens of :func:`tokenize`.
    n : int
        The n-gram length (1 for unigrams, 2 for bigrams).

    Returns
    -------
    score : float
        In (0, 1]; NaN when the texts hold no n-gram at all.

    Examples
    --------
    >>> distinct_n(["a b a", "a b"], 1)   # 2 unique of 5
    0.4
    """
    grams = [g for text in texts for g in _ngrams(tokenize(text), n)]
    return len(set(grams)) / len(grams) if grams else float("nan")


def _as_texts(X, name):
    """The texts of a list, 1-D or (n, 1) array, Series or one-column DataFrame."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2 and X.shape[1] == 1:
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if isinstance(X, str) or getattr(X, "ndim", 1) != 1:
        raise TypeError(f"{name} must be a column of texts (list, 1-D array, pandas Series "
                        f"or single-column DataFrame of str); got {type(X).__name__}.")
    values = X.tolist() if hasattr(X, "tolist") else list(X)
    values = [v[0] if isinstance(v, (list, tuple)) and len(v) == 1 else v for v in values]
    bad = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{name} must hold only str; rows {bad[:10]} do not.")
    return values


def _jaccard_sources(anchor_tokens, real_tokens, candidates):
    """For each anchor, the candidate (global index) of highest token-Jaccard similarity."""
    if not any(real_tokens[i] for i in candidates):      # no vocabulary: first candidate
        return np.full(len(anchor_tokens), candidates[0], dtype=np.intp)
    vectorizer = CountVectorizer(analyzer=lambda tokens: tokens, binary=True)
    R = vectorizer.fit_transform([real_tokens[i] for i in candidates]).astype(np.float64)
    A = vectorizer.transform(anchor_tokens).astype(np.float64)
    r_size = np.asarray(R.sum(axis=1)).ravel()
    a_size = np.array([len(set(t)) for t in anchor_tokens], dtype=np.float64)  # unseen too
    best = np.empty(A.shape[0], dtype=np.intp)
    for start in range(0, A.shape[0], 512):
        inter = (A[start:start + 512] @ R.T).toarray()
        union = a_size[start:start + 512, None] + r_size[None, :] - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            jaccard = np.where(union > 0, inter / union, 0.0)
        best[start:start + 512] = np.argmax(jaccard, axis=1)
    return np.asarray(candidates)[best]


def _default_text_classifier():
    return make_pipeline(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1),
                         LogisticRegression(max_iter=2000, class_weight="balanced"))


def _nanmean(values):
    values = np.asarray(values, dtype=np.float64)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def _share(predicted, rows, cls):
    """Share of ``predicted[rows]`` equal to ``cls`` (NaN without predictions)."""
    return float(np.mean(predicted[rows] == cls)) if predicted is not None else float("nan")


def _text_sources(tokens, y, a_tokens, anchor_y):
    """Source of each anchor: the original of its class of highest token-Jaccard."""
    sources = np.empty(len(a_tokens), dtype=np.intp)
    for cls in np.unique(anchor_y):
        rows, candidates = np.flatnonzero(anchor_y == cls), np.flatnonzero(y == cls)
        if not candidates.size:
            raise ValueError(f"Anchors of class {cls!r} have no original text of their "
                             "class to take as source.")
        sources[rows] = _jaccard_sources([a_tokens[i] for i in rows], tokens, candidates)
    return sources


def _predictions(classifier, texts, y, anchors, sources, cv, random_state):
    """Cross-fitted classes of the real texts and of the anchors: each fold's classifier,
    fitted on the real texts outside the fold, predicts the fold's texts and the anchors
    whose source is in it, so no anchor is judged by a model that saw its source (None
    where undefined: one class, or a class too small for two folds)."""
    if len(np.unique(y)) < 2:
        return None, None
    real, anchors = np.asarray(texts, dtype=object), np.asarray(anchors, dtype=object)
    if cv is None or isinstance(cv, (int, np.integer)):
        smallest = int(np.unique(y, return_counts=True)[1].min())
        n_splits = min(5 if cv is None else int(cv), smallest)
        if n_splits < 2:
            return None, None
        cv = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    else:
        cv = check_cv(cv, y, classifier=True)            # a splitter or a list of folds
    real_predicted = np.empty(len(real), dtype=np.asarray(y).dtype)
    predicted = np.empty(len(anchors), dtype=np.asarray(y).dtype)
    covered = np.zeros(len(real), dtype=int)
    for train, test in cv.split(real, y):
        model = clone(classifier).fit(real[train], y[train])
        real_predicted[test] = model.predict(real[test])
        covered[test] += 1
        rows = np.flatnonzero(np.isin(sources, test))
        if rows.size:
            predicted[rows] = model.predict(anchors[rows])
    if not (covered == 1).all():
        raise ValueError("cv must partition the texts: each text in exactly one test fold.")
    return predicted, real_predicted


def _judged(judge, judge_real, classifier, anchors, texts, random_state):
    """A judge from outside the sample: its classes for the anchors, for real texts
    outside the sample, those texts' labels (None, empty where not given) and its
    classes for the sample's texts (the anchors' sources among them)."""
    if isinstance(judge, tuple):
        if len(judge) != 2:
            raise ValueError("judge must be a fitted classifier or a pair (texts, labels).")
        real, labels = np.asarray(_as_texts(judge[0], "judge texts"), dtype=object), \
            np.asarray(judge[1])
        fit_rows, held_rows = train_test_split(np.arange(len(real)), test_size=0.5,
                                               stratify=labels, random_state=random_state)
        judge = clone(classifier).fit(real[fit_rows], labels[fit_rows])
        judge_real = (real[held_rows], labels[held_rows])
    predicted = judge.predict(np.asarray(anchors, dtype=object))
    on_sample = judge.predict(np.asarray(texts, dtype=object))
    if judge_real is None:
        return predicted, None, np.empty(0), on_sample
    real = np.asarray(_as_texts(judge_real[0], "judge_real texts"), dtype=object)
    return predicted, judge.predict(real), np.asarray(judge_real[1]), on_sample


def _embedding_cosine(embedder, texts, anchors, sources):
    """Cosine of each anchor's embedding with its source's (NaN without embedder)."""
    if embedder is None:
        return np.full(len(anchors), np.nan)
    used = np.unique(sources)
    source_emb = np.asarray(embedder.transform([texts[i] for i in used]), dtype=np.float64)
    A = np.asarray(embedder.transform(list(anchors)), dtype=np.float64)
    B = source_emb[np.searchsorted(used, sources)]
    norms = np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, (A * B).sum(axis=1) / norms, np.nan)


def _text_class_metrics(texts, tokens, y, cls, anchors, a_tokens, src):
    """The classifier-free metrics of one class's anchors (``src``: their sources)."""
    real = [t for t, label in zip(texts, y) if label == cls]
    stripped = [a.strip() for a in anchors]
    originals = {t.strip() for t in texts}
    pairs = Counter(zip(src.tolist(), stripped))
    by_source = defaultdict(list)
    for s, a in zip(src.tolist(), anchors):
        by_source[s].append(a)
    vocab = {s: set(tokens[s]) for s in by_source}
    shared = sum(sum(t in vocab[s] for t in toks) for s, toks in zip(src.tolist(), a_tokens))
    n_tokens = sum(len(toks) for toks in a_tokens)
    out = {"n_anchors": len(anchors)}
    for n in (1, 2):
        out[f"distinct_{n}"] = distinct_n(anchors, n)
        per = [distinct_n(group, n) for group in by_source.values()]
        out[f"distinct_{n}_per_source"] = _nanmean(per)
        out[f"real_distinct_{n}"] = distinct_n(real, n)
    out.update(
        exact_copy_rate=float(np.mean([a in originals for a in stripped])),
        source_copy_rate=float(np.mean([a == texts[s].strip() for a, s in zip(stripped, src)])),
        duplicate_rate=float(np.mean([pairs[(s, a)] > 1 for s, a in zip(src.tolist(), stripped)])),
        source_token_share=shared / n_tokens if n_tokens else float("nan"),
        mean_tokens=float(np.mean([len(t) for t in a_tokens])),
        real_mean_tokens=float(np.mean([len(tokens[i]) for i in np.flatnonzero(y == cls)])))
    return out


@validate_params(
    {"texts": ["array-like"], "y": ["array-like"], "texts_res": ["array-like"],
     "y_res": ["array-like"], "sources": ["array-like", None],
     "embedder": [HasMethods(["transform"]), None],
     "classifier": [HasMethods(["fit", "predict"]), None], "cv": ["cv_object"],
     "random_state": [Integral], "judge": [HasMethods(["predict"]), tuple, None],
     "judge_real": [tuple, None]},
    prefer_skip_nested_validation=True)
def text_anchor_report(texts, y, texts_res, y_res, *, sources=None, embedder=None,
                       classifier=None, cv=5, random_state=0, judge=None, judge_real=None):
    """Quality metrics of the text anchors appended by an over-sampler.

    Parameters
    ----------
    texts : list, ndarray, pandas Series or single-column DataFrame of str
        The original texts.
    y : array-like of shape (n_texts,)
        Their classes.
    texts_res, y_res : same kinds
        The resampled output; ``texts_res[:len(texts)]`` must equal ``texts``,
        the rest are the anchors.
    sources : array-like of int of shape (n_anchors,), default=None
        Index in ``texts`` of each anchor's source (e.g. ``MISOSampler``'s
        ``anchor_sources_``). None: each anchor's source is the original text of
        its class with the highest token-Jaccard similarity (first on ties).
    embedder : transformer, default=None
        Fitted, with ``transform(list_of_str) -> (n, d)`` (e.g.
        ``TransformerEmbedder().fit()``); enables ``embedding_cosine``.
    classifier : classifier, default=None
        Unfitted text classifier (cloned); default TF-IDF (uni- and bigrams,
        sublinear tf) + balanced ``LogisticRegression``.
    cv : int or CV splitter, default=5
        Folds of the cross-fitted judge when ``judge`` is None (an int is
        stratified, shuffled with ``random_state`` and capped at the smallest
        class size; a splitter must partition the texts).
    random_state : int, default=0
        Seed of the folds (and of the judge's split).
    judge : fitted classifier, (texts, labels) or None, default=None
        Who decides ``p_class`` and ``real_p_class`` from outside the sample.
        None: ``classifier`` cross-fitted on ``texts``: the model of each fold,
        fitted on the texts outside it, judges the fold's texts and the anchors
        whose source is in it, so that an anchor and its source meet the same
        judge, which saw neither (exact copies then score ``p_class_sources``
        exactly; every class's rates are NaN when some class has fewer than two
        texts). A fitted
        classifier: used as given, never refitted; ``real_p_class`` is its rate
        on ``judge_real``. A pair of real texts and labels outside the sample:
        ``classifier`` (default balanced) is fitted on a stratified half of
        them, and ``real_p_class`` is its rate on the other half.
    judge_real : (texts, labels) or None, default=None
        With a fitted ``judge``: real texts outside the sample on which
        ``real_p_class`` is measured (None: NaN).

    Returns
    -------
    report : dict
        For each class with anchors, a dict: ``n_anchors``; ``distinct_1``,
        ``distinct_2`` (all anchors of the class), ``distinct_1_per_source``,
        ``distinct_2_per_source`` (within each source's anchors, averaged),
        ``real_distinct_1``, ``real_distinct_2`` (the class's real texts);
        ``exact_copy_rate`` (equal after ``strip`` to any original),
        ``source_copy_rate`` (to its own source), ``duplicate_rate`` (to
        another anchor of the same source); ``source_token_share`` (anchor
        tokens found in the source, micro-averaged); ``mean_tokens``,
        ``real_mean_tokens``; ``p_class`` (share of anchors the judge calls
        their class), ``real_p_class`` (the same share for the class's real
        texts), ``p_class_ratio`` (their ratio), ``p_class_sources`` (the
        share for each anchor's own source, counted once per anchor: what copies
        would score);
        ``embedding_cosine`` (mean anchor-source cosine, NaN without
        ``embedder``). Tokens are those of :func:`tokenize`.
    """
    texts, texts_res = _as_texts(texts, "texts"), _as_texts(texts_res, "texts_res")
    n = len(texts)
    if texts_res[:n] != texts:
        raise ValueError("texts_res must start with texts: over-samplers append their "
                         "anchors after the originals.")
    y, y_res = _check_labels(y, y_res, n, len(texts_res))
    anchors, anchor_y = texts_res[n:], y_res[n:]
    if not anchors:
        return {}
    tokens = [tokenize(t) for t in texts]
    a_tokens = [tokenize(a) for a in anchors]
    sources = (_text_sources(tokens, y, a_tokens, anchor_y) if sources is None
               else _check_sources(sources, y, anchor_y))
    classifier = _default_text_classifier() if classifier is None else classifier
    if judge is None:
        predicted, real_predicted = _predictions(classifier, texts, y, anchors, sources, cv,
                                                 random_state)
        real_y, on_sample = y, real_predicted
    else:
        predicted, real_predicted, real_y, on_sample = _judged(
            judge, judge_real, classifier, anchors, texts, random_state)
    cosine = _embedding_cosine(embedder, texts, anchors, sources)
    report = {}
    for cls in np.unique(anchor_y):
        rows = np.flatnonzero(anchor_y == cls)
        out = _text_class_metrics(texts, tokens, y, cls, [anchors[i] for i in rows],
                                  [a_tokens[i] for i in rows], sources[rows])
        p = _share(predicted, rows, cls)
        real = _share(real_predicted, np.flatnonzero(real_y == cls), cls)
        out.update(p_class=p, real_p_class=real,
                   p_class_ratio=p / real if real > 0 else float("nan"),
                   p_class_sources=_share(on_sample, sources[rows], cls),
                   embedding_cosine=_nanmean(cosine[rows]))
        report[_key(cls)] = out
    return report
