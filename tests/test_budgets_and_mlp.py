"""Logit adjustment by hand, exact step budgets, and the dense MLP classifier."""

import math

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils.estimator_checks import check_estimator

from miso_resample.classifiers import DenseMLPClassifier, LogitAdjustedLoss, TextCNNClassifier
from miso_resample.classifiers.budget import step_schedule
from miso_resample.classifiers.losses import make_criterion

from .test_classifiers import FAST, _toy


def test_logit_adjustment_with_uniform_priors_is_cross_entropy():
    logits = torch.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]])
    target = torch.tensor([0, 2])
    plain = torch.nn.functional.cross_entropy(logits, target)
    assert float(LogitAdjustedLoss([1, 1, 1])(logits, target)) == pytest.approx(float(plain))
    assert float(LogitAdjustedLoss([9, 1, 5], tau=0.0)(logits, target)) == pytest.approx(
        float(plain))


def test_logit_adjustment_by_hand():
    logits = torch.tensor([[1.0, 1.0]])
    # priors 0.8 / 0.2: the adjusted logits are log 0.8 and log 0.2, so p(class 1) = 0.2
    got = LogitAdjustedLoss([0.8, 0.2])(logits, torch.tensor([1]))
    assert float(got) == pytest.approx(-math.log(0.2), rel=1e-6)
    criterion = make_criterion("logit_adjusted", y=np.array([0, 0, 0, 0, 1]), n_classes=2)
    assert float(criterion(logits, torch.tensor([1]))) == pytest.approx(-math.log(0.2), rel=1e-6)
    with pytest.raises(ValueError, match="positive prior"):
        LogitAdjustedLoss([1.0, 0.0])


def test_a_step_budget_draws_whole_permutations():
    sampler = step_schedule(10, 4, max_epochs=3, max_steps=6)["iterator_train__sampler"]
    order = list(sampler)
    assert len(order) == 24                                  # 6 minibatches of 4 rows
    assert sorted(order[:10]) == list(range(10)) == sorted(order[10:20])
    assert step_schedule(10, 4, max_epochs=3, max_steps=None) == dict(
        max_epochs=3, iterator_train__shuffle=True)


@pytest.mark.parametrize("n_texts", [50, 120])
def test_text_classifier_takes_exactly_max_steps(n_texts):
    texts, y = _toy(n_texts - 10, 10, 0.3, seed=0)
    clf = TextCNNClassifier(max_steps=7, batch_size=16, **FAST).fit(texts, y)
    assert clf.n_train_steps_ == 7
    epochs = TextCNNClassifier(max_epochs=2, batch_size=16, **FAST).fit(texts, y)
    assert epochs.n_train_steps_ == 2 * math.ceil(n_texts / 16)


def _blobs(n_major, n_minor, seed):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(0, 1, (n_major, 8)), rng.normal(1.5, 1, (n_minor, 8))])
    return X, np.array([0] * n_major + [1] * n_minor)


def test_mlp_learns_and_is_reproducible_with_exact_steps():
    X, y = _blobs(150, 150, 0)
    X_test, y_test = _blobs(100, 100, 1)
    clf = DenseMLPClassifier(max_steps=60, random_state=0).fit(X, y)
    assert clf.n_train_steps_ == 60 and (clf.predict(X_test) == y_test).mean() > 0.9
    proba = clf.predict_proba(X_test)
    assert proba.shape == (200, 2) and np.allclose(proba.sum(1), 1.0, atol=1e-6)
    # the softmax of the net's logits, applied once (not to skorch's probabilities)
    logits = clf.net_.forward(X_test.astype(np.float32)).numpy()
    np.testing.assert_allclose(proba, np.exp(logits) / np.exp(logits).sum(1, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_array_equal(clone(clf).fit(X, y).predict_proba(X_test), proba)


@pytest.mark.parametrize("options", [dict(class_weight="balanced"),
                                     dict(loss="logit_adjusted")])
def test_mlp_reweighting_raises_the_minority_recall(options):
    X, y = _blobs(300, 15, 0)
    X_test, y_test = _blobs(300, 300, 1)
    plain = DenseMLPClassifier(max_epochs=20, random_state=0).fit(X, y)
    adjusted = DenseMLPClassifier(max_epochs=20, random_state=0, **options).fit(X, y)
    recall = [(m.predict(X_test)[y_test == 1] == 1).mean() for m in (plain, adjusted)]
    assert recall[1] > recall[0] + 0.1


@pytest.mark.slow
def test_mlp_passes_the_sklearn_estimator_checks():
    check_estimator(DenseMLPClassifier(max_epochs=20, random_state=0))


def test_length_grouped_batches_cover_every_row_once_per_pass_by_length():
    from miso_resample.classifiers.budget import LengthGroupedBatchSampler

    lengths = [5, 1, 9, 3, 7, 2, 8, 4]
    torch.manual_seed(0)
    # one pool holds the whole pass: the batches are the length-sorted pairs
    batches = list(LengthGroupedBatchSampler(lengths, 2, pool_batches=4))
    assert sorted(map(sorted, batches)) == [[0, 4], [1, 5], [2, 6], [3, 7]]
    # a budget of 6 steps: one pass of 4 batches, then 2 of the next pass
    budget = LengthGroupedBatchSampler(lengths, 2, n_batches=6, pool_batches=4)
    steps = list(budget)
    assert len(steps) == len(budget) == 6
    assert sorted(i for b in steps[:4] for i in b) == list(range(8))
    # pools of one batch: plain shuffled batches, each row still once per pass
    small = list(LengthGroupedBatchSampler(lengths, 3, pool_batches=1))
    assert [len(b) for b in small].count(3) == 2 and sorted(sum(small, [])) == list(range(8))


def test_step_schedule_with_lengths_gives_a_batch_sampler():
    schedule = step_schedule(8, 2, max_epochs=3, max_steps=5, lengths=[1] * 8)
    assert schedule["max_epochs"] == 1 and len(schedule["iterator_train__batch_sampler"]) == 5
    loader = torch.utils.data.DataLoader(range(8), **{
        k.removeprefix("iterator_train__"): v for k, v in schedule.items()
        if k.startswith("iterator_train__")})
    assert [len(b) for b in loader] == [2] * 5
    assert step_schedule(8, 2, max_epochs=3, max_steps=None,
                         lengths=[1] * 8)["max_epochs"] == 3
