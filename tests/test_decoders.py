"""The decoder objects: their surface, their place in sklearn's tools, and the
deprecated strings and flat parameters, which must give the same anchors."""

import warnings

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from miso_resample import MISOSampler
from miso_resample.decoders import EditDecoder, LanguageModelDecoder, ScratchDecoder, VectorDecoder
from miso_resample.decoders._base import SHARED_DOCS

from .conftest import TINY, TINY_SCRATCH, TINY_TEXT, TINY_TEXT_FLAT, tiny_scratch


def test_the_sampler_keeps_at_most_22_parameters():
    params = MISOSampler().get_params(deep=False)
    assert len(params) <= 22 and params["decoder"] == "auto"
    assert set(MISOSampler._parameter_constraints) == set(params)


def test_decoders_are_estimator_like_and_cloned_by_the_sampler(overlapping_binary):
    decoder = EditDecoder(edit_rate=0.5)
    assert clone(decoder).get_params() == decoder.get_params()
    sampler = MISOSampler(decoder=decoder)
    assert sampler.get_params()["decoder__edit_rate"] == 0.5
    sampler.set_params(decoder__edit_rate=0.3)
    assert decoder.edit_rate == 0.3                  # set_params reaches the object itself
    copy = clone(sampler)
    assert copy.decoder is not decoder and copy.decoder.edit_rate == 0.3
    X, y = overlapping_binary
    dense = VectorDecoder(latent_noise=1.0)
    fitted = MISOSampler(random_state=0, decoder=dense, **TINY).fit(X, y)
    fitted.fit_resample(X, y)
    assert fitted.decoder_ is not dense and fitted.decoder_.get_params() == dense.get_params()


def test_grid_search_over_the_decoder_s_edit_rate(review_texts, tiny_text_params):
    texts, y = review_texts
    pipe = Pipeline([("sampler", MISOSampler(random_state=0, **tiny_text_params)),
                     ("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())])
    search = GridSearchCV(pipe, {"sampler__decoder__edit_rate": [0.3, 0.8]},
                          cv=StratifiedKFold(2, shuffle=True, random_state=0), scoring="f1_macro")
    search.fit(texts, y)
    assert [p["sampler__decoder__edit_rate"] for p in search.cv_results_["params"]] == [0.3, 0.8]
    best = search.best_estimator_.named_steps["sampler"]
    assert best.decoder_.edit_rate == search.best_params_["sampler__decoder__edit_rate"]
    assert tiny_text_params["decoder"].edit_rate == 0.6             # the given object untouched


def test_a_decoder_of_the_other_mode_is_refused_before_training(review_texts):
    texts, y = review_texts
    with pytest.raises(ValueError, match="dense-mode decoder, but X is a column of texts"):
        MISOSampler(decoder=VectorDecoder()).fit_resample(texts, y)
    with pytest.raises(ValueError, match="'edit_rate' parameter of EditDecoder"):
        MISOSampler(decoder=EditDecoder(edit_rate=2.0)).fit_resample(texts, y)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['edit_rat'\]"):
        MISOSampler(edit_rat=0.5)


def _anchors(sampler, X, y):
    X_res, _ = sampler.fit_resample(X, y)
    return sampler.anchor_sources_, list(X_res[len(X):]) if isinstance(X_res, list) \
        else np.asarray(X_res[len(X):])


def _same(a, b):
    np.testing.assert_array_equal(a[0], b[0])
    if isinstance(a[1], list):
        assert a[1] == b[1]
    else:
        np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("old, new", [
    (dict(decoder="residual"), dict(decoder=VectorDecoder())),
    (dict(decoder="scratch", latent_noise=1.0, adversarial_weight=0.5),
     dict(decoder=VectorDecoder(residual=False, latent_noise=1.0, adversarial_weight=0.5))),
    (dict(pairing="random"), dict(n_partners=None)),
], ids=["residual", "scratch", "pairing"])
def test_deprecated_dense_forms_give_the_same_anchors(overlapping_binary, old, new):
    X, y = overlapping_binary
    with pytest.warns(FutureWarning, match="deprecated since 0.2"):
        before = _anchors(MISOSampler(random_state=0, **TINY, **old), X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        after = _anchors(MISOSampler(random_state=0, **TINY, **new), X, y)
    _same(before, after)


@pytest.mark.parametrize("old, decoder", [
    (dict(edit_rate=0.5, distinct_edits=False, temperature=2.0),
     EditDecoder(edit_rate=0.5, distinct_edits=False, temperature=2.0, word_vectors=None)),
    (dict(decoder="scratch", decoding="sample", top_p=0.9),
     tiny_scratch(decoding="sample", top_p=0.9)),
], ids=["edit", "scratch"])
def test_deprecated_text_forms_give_the_same_anchors(review_texts, old, decoder):
    texts, y = review_texts
    with pytest.warns(FutureWarning, match="deprecated since 0.2"):
        before = _anchors(MISOSampler(random_state=0, **TINY_TEXT_FLAT, **old), texts, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        after = _anchors(MISOSampler(random_state=0, **dict(TINY_TEXT, decoder=decoder)),
                         texts, y)
    _same(before, after)


def test_deprecation_messages_name_the_new_place(review_texts):
    texts, y = review_texts
    with pytest.warns(FutureWarning) as record:
        MISOSampler(random_state=0, **TINY_TEXT_FLAT, decoder="edit").fit_resample(texts, y)
    messages = [str(w.message) for w in record]
    assert any("decoder='edit' is deprecated" in m and "EditDecoder()" in m for m in messages)
    assert any("word_vectors=...) is deprecated" in m and "EditDecoder(word_vectors" in m
               for m in messages)
    assert any("max_length=...) is deprecated" in m and "no effect with EditDecoder" in m
               for m in messages)


def test_every_decoder_documents_its_parameters():
    for cls in (VectorDecoder, EditDecoder, LanguageModelDecoder, ScratchDecoder):
        doc = cls.__doc__
        for name in cls().get_params():
            assert f"\n    {name} : " in doc, (cls.__name__, name)
        assert not any(f"{{{key}}}" in doc for key in SHARED_DOCS)       # all substituted
    assert ScratchDecoder().adversarial_weight == 0.1 and TINY_SCRATCH["max_length"] == 12


def test_fresh_edit_redraws_known_edits_and_counts_the_redraws():
    from miso_resample.decoders._edit import MAX_REDRAWS, fresh_edit

    class Scripted:
        def __init__(self, outputs):
            self.outputs = iter(outputs)

        def edit(self, source, target, rng, used=None):
            return next(self.outputs)

    assert fresh_edit(Scripted(["a", "a", "b"]), 0, None, None, {"a"}) == ("b", 2)
    assert fresh_edit(Scripted(["c"]), 0, None, None, {"a"}) == ("c", 0)
    assert fresh_edit(Scripted(["a"] * 10), 0, None, None, {"a"}) == ("a", MAX_REDRAWS)
