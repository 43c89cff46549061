"""EDAOverSampler: copies at rate 0, each operation's effect, counts, containers, errors."""

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from miso_resample import EDAOverSampler
from miso_resample.decoders._source_editor import SourceEditor

from .conftest import class_counts

ZERO = dict(substitute_rate=0, insert_rate=0, swap_rate=0, delete_rate=0)
ONLY = {name: dict(ZERO, **{f"{name}_rate": 0.5})
        for name in ("substitute", "insert", "swap", "delete")}


def _words(text):
    return re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())


def _new(sampler, texts, y):
    X_res, y_res = sampler.fit_resample(texts, y)
    sources = sampler.sample_indices_[len(texts):]
    return X_res, y_res, list(X_res[len(texts):]), sources


def test_all_rates_zero_gives_copies_of_uniformly_drawn_sources(review_texts):
    texts, y = review_texts
    sampler = EDAOverSampler(random_state=0, word_vectors=None, **ZERO)
    X_res, y_res, new, sources = _new(sampler, texts, y)
    assert class_counts(y_res) == {"pos": 100, "neg": 100}
    assert X_res[:120] == texts and new == [texts[s] for s in sources]
    assert (y[sources] == "neg").all() and set(sampler.operations_) == {"copy"}
    assert len(set(sources)) > 10                   # drawn from the whole class


@pytest.mark.parametrize("operation", ["substitute", "insert", "swap", "delete"])
def test_each_operation_changes_words_as_eda_does(review_texts, operation):
    texts, y = review_texts
    sampler = EDAOverSampler(random_state=0, word_vectors=None, **ONLY[operation])
    _, _, new, sources = _new(sampler, texts, y)
    assert set(sampler.operations_) == {operation}
    vocabulary = {w for t in texts for w in _words(t)}
    changed = 0
    for anchor, source in zip(new, sources):
        before, after = Counter(_words(texts[source])), Counter(_words(anchor))
        changed += before != after or anchor != texts[source]
        assert set(after) <= vocabulary                      # training words only
        if operation == "swap":
            assert before == after                           # the same words, reordered
        elif operation == "delete":
            assert not after - before and sum(after.values()) < sum(before.values())
        elif operation == "insert":
            assert not before - after and sum(after.values()) > sum(before.values())
        else:
            assert sum(after.values()) == sum(before.values())
    assert changed == len(new)


def test_substitutes_are_the_edit_decoders_neighbours(review_texts):
    texts, y = review_texts
    sampler = EDAOverSampler(random_state=1, word_vectors=None, n_neighbours=5,
                             **ONLY["substitute"])
    _, _, new, sources = _new(sampler, texts, y)
    editor = SourceEditor(texts, y, use_glove=False, n_neighbours=5)
    for anchor, source in zip(new, sources):
        for old, word in zip(_words(texts[source]), _words(anchor)):
            if old != word:
                ids = np.array([editor.index[old]])
                allowed = editor.neighbours_of(ids[0])[editor.allowed_substitutes(ids, "neg")[0]]
                assert word in {editor.words[i] for i in allowed}


def test_reproducible_and_seed_sensitive_and_pandas_in_pandas_out(review_texts):
    texts, y = review_texts
    first = EDAOverSampler(random_state=3, word_vectors=None).fit_resample(texts, y)[0]
    again = EDAOverSampler(random_state=3, word_vectors=None).fit_resample(texts, y)[0]
    other = EDAOverSampler(random_state=4, word_vectors=None).fit_resample(texts, y)[0]
    assert list(first) == list(again) and list(first) != list(other)
    X_res, y_res = EDAOverSampler(random_state=3, word_vectors=None).fit_resample(
        pd.Series(texts), pd.Series(y))
    assert isinstance(X_res, pd.Series) and list(X_res) == list(first)
    assert isinstance(y_res, pd.Series) and len(y_res) == 200


def test_in_a_pipeline_before_the_vectorizer(review_texts):
    texts, y = review_texts
    model = make_pipeline(EDAOverSampler(random_state=0, word_vectors=None),
                          TfidfVectorizer(), LogisticRegression())
    assert model.fit(texts, y).score(texts, y) > 0.9


def test_bad_input_is_rejected_before_any_edit(review_texts):
    texts, y = review_texts
    with pytest.raises(ValueError, match=r"rows \[5\]"):
        EDAOverSampler().fit_resample(texts[:5] + [None] + texts[6:], y)
    with pytest.raises(ValueError, match="swap_rate"):
        EDAOverSampler(swap_rate=2.0).fit_resample(texts, y)
    texts_in = list(texts)
    EDAOverSampler(random_state=0, word_vectors=None).fit_resample(texts_in, y)
    assert texts_in == texts                          # the input is never mutated
