"""Choosing language-model candidates: class filter, near-copy filter, negations, novelty."""

import numpy as np

from miso_resample.decoders._candidates import (
    CandidatePicker,
    ClassJudge,
    negation_count,
)
from miso_resample.decoders._source_editor import SourceEditor

from .conftest import _NEGATIVE, _POSITIVE, _review


def _corpus():
    rng = np.random.RandomState(0)
    texts = [_review(rng, _POSITIVE, 0.0) for _ in range(60)]
    texts += [_review(rng, _NEGATIVE, 0.0) for _ in range(60)]
    return texts, np.array(["pos"] * 60 + ["neg"] * 60)


def _picker(texts, y, **kwargs):
    editor = SourceEditor(texts, y, use_glove=False)
    return CandidatePicker(texts, ClassJudge(texts, y), "neg", editor,
                           **{"max_overlap": 0.7, "novelty_weight": 0.5, **kwargs})


def test_filters_reject_off_class_short_and_near_copy_candidates():
    texts, y = _corpus()
    source = texts[70]
    copy_words = source.split()
    candidates = [
        source,                                                    # a training text
        " ".join(copy_words + ["indeed"]),                         # a near-copy of it
        "A clumsy tedious story with a bland and messy ending",    # new, on-class: kept
        "A brilliant lovely charming film with a sharp warm cast",  # off-class
        "dull",                                                    # too short
    ]
    assert list(_picker(texts, y).usable(candidates)) == [2]
    # without the class judge the off-class candidate passes
    free = CandidatePicker(texts, None, "neg", SourceEditor(texts, y, use_glove=False),
                           max_overlap=0.7, novelty_weight=0.5)
    assert list(free.usable(candidates)) == [2, 3]
    # an earlier anchor is a text to keep away from, too
    picker = _picker(texts, y)
    picker.choose(source, candidates, [2], [np.zeros(picker.editor.vectors.shape[1])])
    assert list(picker.usable([candidates[2] + " too"])) == []


def test_negations_are_kept_in_the_choice():
    texts, y = _corpus()
    picker = _picker(texts, y, novelty_weight=0.0)
    assert negation_count("It is not good, nothing works and it isn't fun") == 3
    candidates = ["The plot was dull and the ending was slow",
                  "The plot was not dull and the ending was not slow"]
    target = picker.editor.sentence_vector(candidates[0])     # both share this vector
    assert picker.choose("The movie was not funny and never moving", candidates, [0, 1],
                         [target]) == [1]
    picker = _picker(texts, y, novelty_weight=0.0)
    assert picker.choose("The movie was dull", candidates, [0, 1], [target]) == [0]


def test_each_candidate_is_used_once_and_new_bigrams_are_rewarded():
    texts, y = _corpus()
    picker = _picker(texts, y, novelty_weight=5.0)
    first = "The bland plot was tedious and the ending was messy"
    picker.choose("x", [first], [0], [picker.editor.sentence_vector(first)])
    candidates = ["The bland plot was tedious and the cast was messy",   # old bigrams
                  "A slow clumsy script, with flat dull scenes throughout"]  # new ones
    target = picker.editor.sentence_vector(candidates[0])
    picks = picker.choose("x", candidates, [0, 1], [target, target, target])
    assert picks == [1, 0, None]                                # then nothing is left
    assert picker.accepted[-2:] == [candidates[1], candidates[0]]


def test_the_class_judge_thresholds_each_class_by_its_own_texts_out_of_fold():
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from miso_resample.decoders._candidates import _class_judge

    texts, y = _corpus()
    texts, y = texts[:60] + texts[60:66], y[:66]             # 60 pos, 6 neg
    judge = ClassJudge(texts, y, quantile=0.25)
    proba = cross_val_predict(_class_judge(), texts, y, cv=StratifiedKFold(5),
                              method="predict_proba")
    neg = list(judge.classes_).index("neg")
    assert judge.thresholds_["neg"] == np.quantile(proba[y == "neg", neg], 0.25)
    # out of fold, the arg-max of a judge fitted on 5 negatives misses a real one;
    # the class's own threshold keeps all but the least typical quarter
    assert (proba[y == "neg", neg] < 0.5).any()
    assert judge.on_class([t for t, c in zip(texts, y) if c == "neg"], "neg").mean() >= 0.75
    assert not judge.on_class(["A brilliant lovely charming film with a warm cast"], "neg")[0]
    # a class of one text falls back to the arg-max rule
    lone = ClassJudge(texts[:61], y[:61])
    assert lone.thresholds_ == {}
    np.testing.assert_array_equal(lone.on_class(texts[58:61], "neg"),
                                  lone.pipeline.predict(texts[58:61]) == "neg")
