"""The decisive benchmark: corrected statistics by hand, the rule, settings, equal budgets."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from miso_resample.benchmark import METHODS, SETTINGS, evaluate_fold, fold_splits
from miso_resample.benchmark.decisive import (
    corrected_interval,
    corrected_resampled_t_test,
    decisive_report,
    decisive_test,
)
from miso_resample.benchmark.protocol import GROUPS, expand_settings, fold_scores, load_setting


def test_corrected_t_test_by_hand():
    d = np.array([1.0, 2.0, 3.0, 4.0, 5.0])              # mean 3, var 2.5, J = 5
    # t = 3 / sqrt((1/5 + 1/4) * 2.5) = 3 / 1.0607 = 2.8284; df 4
    t, p = corrected_resampled_t_test(d, 0.25)
    assert t == pytest.approx(3 / math.sqrt(0.45 * 2.5)) == pytest.approx(2.8284, abs=1e-4)
    assert p == pytest.approx(2 * stats.t.sf(2.8284271, 4), rel=1e-6)
    plain = stats.ttest_1samp(d, 0.0).pvalue                 # the ratio-0 t-test
    assert corrected_resampled_t_test(d, 0.0)[1] == pytest.approx(plain) and plain < p
    assert corrected_resampled_t_test(np.zeros(4), 0.25) == (0.0, 1.0)
    assert np.isnan(corrected_resampled_t_test([1.0], 0.25)[1])


def test_corrected_interval_by_hand():
    mean, half = corrected_interval([10, 12, 14], 0.5)     # sd 2, J = 3
    assert mean == 12 and half == pytest.approx(stats.t.ppf(0.975, 2) * math.sqrt(
        (1 / 3 + 0.5) * 4))


def _long(means_by_method, n_folds=5, spread=1.0):
    """Per-fold rows whose cell means are ``means_by_method[method][setting]``."""
    offsets = np.linspace(-spread, spread, n_folds)
    return pd.DataFrame([dict(setting=f"s{i}", backbone="textcnn", method=method, repeat=0,
                              fold=f, f1=m + offsets[f], error=np.nan)
                         for method, values in means_by_method.items()
                         for i, m in enumerate(values) for f in range(n_folds)])


def test_the_rule_declares_a_win_only_with_every_comparison_significant():
    base = np.arange(8) * 5.0 + 40
    peers = {"balanced": base, "threshold": base + 1, "eda": base + 2, "none": base - 5}
    win = _long({"miso": base + 3 + np.arange(8) * 0.1, **peers})
    result = decisive_test(win, "textcnn")
    table = result["comparisons"].set_index("method")
    # every one of the 8 settings favours MISO: exact two-sided p = 2 / 2^8
    assert table["p_value"].tolist() == pytest.approx([2 / 256] * 3)
    assert table["p_holm"].tolist() == pytest.approx([3 * 2 / 256] * 3)
    assert table["settings_won"].tolist() == [8, 8, 8]
    assert result["verdict"].startswith("MISO wins") and result["best_peer"] == "eda"
    close = _long({"miso": base + 2 + np.tile([0.3, -0.2], 4), **peers})   # ties eda
    verdict = decisive_test(close, "textcnn")["verdict"]
    assert verdict.startswith("no win") and "not every" in verdict
    lose = _long({"miso": base - 2 - np.arange(8) * 0.1, **peers})
    assert decisive_test(lose, "textcnn")["verdict"].startswith("MISO loses")
    assert "MISO loses" in decisive_report(lose, "textcnn", [f"s{i}" for i in range(8)])


def test_a_variant_of_miso_is_never_its_best_peer():
    base = np.arange(8) * 5.0 + 40
    folds = _long({"miso": base + 3, "miso+threshold": base + 9, "miso-random-target": base + 8,
                   "balanced": base, "threshold": base, "eda": base})
    assert decisive_test(folds, "textcnn")["best_peer"] in {"balanced", "threshold", "eda"}


@pytest.mark.slow
def test_decisive_settings_have_80_minority_documents_and_groups_expand():
    assert len(GROUPS["decisive"]) >= 8 and not set(GROUPS["decisive"]) & set(GROUPS["small"])
    assert expand_settings(["decisive", "bbc_news-tech-5"]) == [*GROUPS["decisive"],
                                                                "bbc_news-tech-5"]
    for name in ("bbc_news-business-5-2k", "spam_assassin-ham-5-2k"):
        texts, y = load_setting(SETTINGS[name])
        assert y.sum() >= 80 and (y == 0).sum() <= 2000 and len(texts) == len(y)


def test_fold_scores_average_precision_and_brier_by_hand():
    y = np.array([0, 0, 1, 1])
    proba = np.array([0.1, 0.6, 0.4, 0.9])
    scores = fold_scores(y, (proba > 0.5).astype(int), np.eye(4), y, np.eye(4),
                         k_neighbors=1, proba=proba)
    # ranking 0.9 (pos), 0.6 (neg), 0.4 (pos), 0.1: AP = (1/1 + 2/3) / 2
    assert scores["average_precision"] == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert scores["brier"] == pytest.approx(np.mean((proba - y) ** 2))


def test_methods_of_the_decisive_run_exist_where_they_apply():
    for backbone in ("textcnn", "textrnn", "finetune"):
        assert {"eda", "miso-random-target", "logit-adjust", "cag", "miso-fixed-epochs"} \
            <= set(METHODS[backbone])
    assert {"smote", "adasyn", "logit-adjust"} <= set(METHODS["embedding-mlp"])
    assert "eda" not in METHODS["embedding-mlp"] and "logit-adjust" not in METHODS["embedding"]
    for backbone in ("textcnn", "textrnn", "finetune"):
        decoder = METHODS[backbone]["miso-lm"].sampler_params["decoder"]
        assert type(decoder).__name__ == "LanguageModelDecoder"
        assert (decoder.n_candidates, decoder.n_redraws) == (2, 0)
    assert not {"miso-lm"} & (set(METHODS["embedding"]) | set(METHODS["embedding-mlp"]))


@pytest.mark.parametrize("backbone", ["embedding-mlp",
                                      pytest.param("textcnn", marks=pytest.mark.slow)])
def test_every_method_trains_for_the_same_steps_but_fixed_epochs(review_texts, backbone):
    texts, labels = review_texts
    y = (labels == "neg").astype(int)
    X = np.random.RandomState(0).normal(size=(len(texts), 6)) + y[:, None]
    _, _, train, test = next(fold_splits(y, n_folds=3))
    steps = {m: evaluate_fold(backbone, m, texts, X, y, train, test, device="cpu",
                              anchors=False)["train_steps"]
             for m in ("none", "ros", "logit-adjust")}
    default = {"embedding-mlp": 30, "textcnn": 10}[backbone] * math.ceil(len(train) / 64)
    assert steps == {"none": default, "ros": default, "logit-adjust": default}
    ros_rows = 2 * int((y[train] == 0).sum())
    assert ros_rows > len(train)           # balancing adds rows, and steps if epochs fixed
