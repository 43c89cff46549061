"""Choosing a language model's candidates as anchors: filters, a negation-aware
sentence space, and a reward for variety (``LanguageModelDecoder``).

For the anchors of one source, every candidate sampled from that source's prompt
is a possible anchor. A candidate is **rejected** when

* it is empty or shorter than three words;
* the class judge (:class:`ClassJudge`: a balanced TF-IDF + logistic regression
  fitted on the training texts) finds it less typical of the anchor's class than
  the ``quantile`` of that class's own training texts, judged out of fold;
* it is a near-copy: its word-set Jaccard similarity with a training text or an
  earlier anchor exceeds ``max_overlap`` (checked against the five training texts
  and the five earlier anchors nearest it in TF-IDF cosine).

Among the rest, each anchor takes the candidate nearest its anchor vector in the
edit decoder's sentence space extended by one coordinate: the count of negation
words (``not``, ``no``, ``never``, ``nothing``, ``too``, ``few``, ``-n't`` ...),
which the sentence vectors drop as stop words, with the source's count as the
target. The distance is divided by the median over the source's candidates, and
``novelty_weight`` times the share of the candidate's word bigrams that no earlier
anchor used is subtracted, so that variety does not collapse.
"""

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

__all__ = ["NEGATIONS", "negation_count", "word_set", "fit_class_judge", "ClassJudge",
           "CandidatePicker"]

NEGATIONS = frozenset("not no never nothing none nor neither nobody nowhere cannot without "
                      "hardly barely too few".split())
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_NEAREST = 5


def _words(text):
    return _WORDS.findall(text.lower())


def negation_count(text):
    """Negation words of ``text`` (:data:`NEGATIONS` and words ending in ``n't``)."""
    return sum(w in NEGATIONS or w.endswith("n't") for w in _words(text))


def word_set(text):
    """The set of lower-cased words of ``text`` (for the Jaccard similarity)."""
    return set(_words(text))


def _jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def _class_judge():
    return make_pipeline(TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
                         LogisticRegression(class_weight="balanced", max_iter=1000))


def fit_class_judge(texts, y):
    """A balanced TF-IDF (words and bigrams) + logistic regression on the training texts."""
    return _class_judge().fit(list(texts), np.asarray(y))


class ClassJudge:
    """The class filter: :func:`fit_class_judge`, with one threshold per class.

    A judge fitted on a few minority texts rarely gives a new text the minority's
    class by its arg-max, even a real one. So a text is judged *of class c*
    when the judge's probability of c is at least the ``quantile`` of the
    probabilities that c's own training texts get from judges fitted without
    them (stratified k-fold, at most 5 folds): as typical of c as all but the
    least typical ``quantile`` of c's real texts. A class with a single text
    gets the arg-max rule.

    Parameters
    ----------
    texts : list of str
    y : array-like of labels
    quantile : float in [0, 1], default=0.25
    """

    def __init__(self, texts, y, *, quantile=0.25):
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        texts, y = list(texts), np.asarray(y)
        self.pipeline = fit_class_judge(texts, y)
        self.classes_ = self.pipeline.classes_
        counts = np.array([(y == c).sum() for c in self.classes_])
        self.thresholds_ = {}
        if counts.min() >= 2:
            folds = StratifiedKFold(n_splits=int(min(5, counts.min())))
            proba = cross_val_predict(_class_judge(), texts, y,
                                      cv=folds, method="predict_proba")
            for k, c in enumerate(self.classes_):
                self.thresholds_[c] = float(np.quantile(proba[y == c, k], quantile))

    def on_class(self, texts, cls):
        """Boolean mask: which of ``texts`` the judge puts in class ``cls``."""
        texts = list(texts)
        if cls not in self.thresholds_:
            return self.pipeline.predict(texts) == cls
        column = list(self.classes_).index(cls)
        return self.pipeline.predict_proba(texts)[:, column] >= self.thresholds_[cls]


class CandidatePicker:
    """Picks the anchors of one class among language-model candidates.

    Parameters
    ----------
    texts : list of str
        The training texts (near-copies of any of them are rejected).
    judge : ClassJudge or None
        The class filter (None: no class filter).
    cls : label
        The class the anchors belong to.
    editor : SourceEditor
        Gives the sentence vectors.
    max_overlap : float
        Largest word-set Jaccard similarity allowed with a training text or an
        earlier anchor.
    novelty_weight : float
        Weight of the share of new bigrams in the choice.
    negation_weight : float, default=1.0
        Weight of the negation coordinate (per negation word, in units of the
        median candidate distance).
    """

    def __init__(self, texts, judge, cls, editor, *, max_overlap, novelty_weight,
                 negation_weight=1.0):
        self.judge, self.cls, self.editor = judge, cls, editor
        self.max_overlap, self.novelty_weight = max_overlap, novelty_weight
        self.negation_weight = negation_weight
        self.vectorizer = TfidfVectorizer().fit(texts)
        self.train_matrix = self.vectorizer.transform(texts)
        self.train_sets = [word_set(t) for t in texts]
        self.accepted, self.accepted_sets, self.accepted_rows = [], [], []
        self.used_bigrams = set()

    # -- filters ---------------------------------------------------------------------
    def _near_copy(self, candidate_rows, sets):
        """Mask of candidates too similar to a training text or an earlier anchor."""
        near = np.zeros(len(sets), dtype=bool)
        pools = [(self.train_matrix, self.train_sets)]
        if self.accepted_rows:
            from scipy.sparse import vstack

            pools.append((vstack(self.accepted_rows), self.accepted_sets))
        for matrix, pool_sets in pools:
            cosine = (candidate_rows @ matrix.T).toarray()
            nearest = np.argsort(-cosine, axis=1)[:, :_NEAREST]
            for i, row in enumerate(nearest):
                near[i] |= any(_jaccard(sets[i], pool_sets[j]) > self.max_overlap
                               for j in row)
        return near

    def usable(self, candidates):
        """Indices of the candidates that pass every filter (see the module docstring)."""
        candidates = list(candidates)
        long_enough = np.array([len(_words(c)) >= 3 for c in candidates], dtype=bool)
        ok = long_enough.copy()
        if self.judge is not None and ok.any():
            on_class = self.judge.on_class([c for c, k in zip(candidates, ok) if k], self.cls)
            ok[np.flatnonzero(ok)] = on_class
        if ok.any():
            rows = self.vectorizer.transform([candidates[i] for i in np.flatnonzero(ok)])
            sets = [word_set(candidates[i]) for i in np.flatnonzero(ok)]
            ok[np.flatnonzero(ok)] = ~self._near_copy(rows, sets)
        return np.flatnonzero(ok)

    # -- choice ----------------------------------------------------------------------
    def _bigrams(self, text):
        words = _words(text)
        return set(zip(words, words[1:]))

    def choose(self, source_text, candidates, usable, targets):
        """For each anchor vector of ``targets``, the index of its candidate (each used
        once; None when none is left), in the negation-aware space with the novelty
        reward; the chosen ones become earlier anchors."""
        pool = [int(i) for i in usable]
        vectors = np.array([self.editor.sentence_vector(candidates[i]) for i in pool]) \
            if pool else np.empty((0, len(targets[0]) if len(targets) else 0))
        negations = np.array([negation_count(candidates[i]) for i in pool], dtype=float)
        wanted = negation_count(source_text)
        picks = []
        for target in targets:
            if not pool:
                picks.append(None)
                continue
            distance = np.linalg.norm(vectors - target, axis=1)
            scale = float(np.median(distance)) or 1.0
            novelty = np.array([self._novelty(candidates[i]) for i in pool])
            score = (distance / scale + self.negation_weight * np.abs(negations - wanted)
                     - self.novelty_weight * novelty)
            best = int(np.argmin(score))
            chosen = candidates[pool[best]]
            picks.append(pool[best])
            self._accept(chosen)
            # the source's other candidates: none too close to the one just chosen
            keep = [k for k, i in enumerate(pool) if k != best and _jaccard(
                word_set(candidates[i]), self.accepted_sets[-1]) <= self.max_overlap]
            pool = [pool[k] for k in keep]
            vectors, negations = vectors[keep], negations[keep]
        return picks

    def _novelty(self, text):
        bigrams = self._bigrams(text)
        return len(bigrams - self.used_bigrams) / len(bigrams) if bigrams else 0.0

    def _accept(self, text):
        self.accepted.append(text)
        self.accepted_sets.append(word_set(text))
        self.accepted_rows.append(self.vectorizer.transform([text]))
        self.used_bigrams |= self._bigrams(text)
