"""The benchmark harness: training folds only, repeats, device plumbing, resume, tables."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV

from miso_resample import MISOSampler
from miso_resample.benchmark import (
    METHODS,
    SETTINGS,
    evaluate_cell,
    evaluate_fold,
    fold_splits,
    make_sampler,
)
from miso_resample.benchmark.tables import gap_table, means_table, summarize

from .conftest import TINY


@pytest.fixture
def embeddings():
    X, y = make_classification(n_samples=300, n_features=8, weights=[0.9, 0.1],
                               class_sep=1.0, flip_y=0, random_state=0)
    return X, y


def _record_fits(monkeypatch, cls):
    seen = []
    original = cls.fit

    def fit(self, X, y, *args, **kwargs):
        seen.append((len(X), getattr(self, "class_weight", None)))
        return original(self, X, y, *args, **kwargs)

    monkeypatch.setattr(cls, "fit", fit)
    return seen


def test_class_weights_fit_on_training_folds_only(monkeypatch, embeddings):
    X, y = embeddings
    seen = _record_fits(monkeypatch, LogisticRegression)
    records = evaluate_cell("embedding", "balanced", None, X, y, n_folds=5)
    assert [n for n, _ in seen] == [240] * 5              # 4/5 of 300 rows, never more
    assert {w for _, w in seen} == {"balanced"}
    assert [r["fold"] for r in records] == [0, 1, 2, 3, 4]
    assert all(0 <= r["f1"] <= 100 for r in records)


@pytest.mark.slow
def test_tuned_threshold_wraps_the_pipeline_inside_training_folds(monkeypatch, embeddings):
    X, y = embeddings
    seen = _record_fits(monkeypatch, TunedThresholdClassifierCV)
    inner = _record_fits(monkeypatch, LogisticRegression)
    records = evaluate_cell("embedding", "threshold", None, X, y, n_folds=5)
    assert [n for n, _ in seen] == [240] * 5
    # the inner cross-validation (3 folds of the 240 training rows) plus the refit
    assert max(n for n, _ in inner) == 240 and min(n for n, _ in inner) == 160
    assert all(np.isnan(r["ds_after"]) for r in records)


@pytest.mark.slow
def test_tuned_threshold_raises_minority_f1_over_plain_logistic_regression():
    X, y = make_classification(n_samples=600, n_features=8, weights=[0.95, 0.05],
                               class_sep=0.6, flip_y=0, random_state=3)
    plain = np.mean([r["f1"] for r in evaluate_cell("embedding", "none", None, X, y,
                                                    n_folds=3)])
    tuned = np.mean([r["f1"] for r in evaluate_cell("embedding", "threshold", None, X, y,
                                                    n_folds=3)])
    assert tuned > plain


def test_resampling_reports_difficult_shares_and_anchor_metrics(embeddings):
    X, y = embeddings
    ros = evaluate_cell("embedding", "ros", None, X, y, n_folds=3)
    none = evaluate_cell("embedding", "none", None, X, y, n_folds=3)
    assert all(r["ds_before"] == r["ds_after"] for r in none)      # nothing added
    assert all(r["ds_after"] <= r["ds_before"] for r in ros)       # copies surround originals
    # random copies: as far out as their sources, their own nearest neighbour, duplicated
    assert all(r["anchor_shrinkage"] == pytest.approx(100.0) for r in ros)
    assert all(r["anchor_own_source_nearest"] == 100.0 for r in ros)
    assert all(r["anchor_duplicate_rate"] > 90 for r in ros)
    assert not any(k.startswith("anchor_") for k in none[0])


def test_repeated_folds_use_a_fixed_seed_per_repeat():
    y = np.array([0] * 40 + [1] * 10)
    first = list(fold_splits(y, n_folds=5, repeats=2, random_state=7))
    again = list(fold_splits(y, n_folds=5, repeats=2, random_state=7))
    assert [(r, f) for r, f, _, _ in first] == [(r, f) for r in range(2) for f in range(5)]
    for (_, _, a, b), (_, _, c, d) in zip(first, again):
        np.testing.assert_array_equal(a, c) and np.testing.assert_array_equal(b, d)
    # repeat 1 of seed 7 is repeat 0 of seed 8, and differs from repeat 0 of seed 7
    shifted = list(fold_splits(y, n_folds=5, repeats=1, random_state=8))
    np.testing.assert_array_equal(first[5][3], shifted[0][3])
    assert not np.array_equal(first[0][3], first[5][3])
    for _, _, train, test in first[:5]:                            # stratified
        assert y[test].sum() == 2 and len(set(train) & set(test)) == 0


def test_harness_samplers_carry_the_device_and_neighbours(monkeypatch, embeddings):
    sampler = make_sampler("miso", {"use_mi": False}, random_state=3, device="cpu",
                           k_neighbors=3)
    assert (sampler.device, sampler.k_neighbors, sampler.use_mi) == ("cpu", 3, False)
    assert make_sampler("smote", k_neighbors=4).k_neighbors == 4
    assert make_sampler("adasyn", k_neighbors=4).n_neighbors == 4
    seen = []
    original = MISOSampler.fit_resample

    def fit_resample(self, X, y, **kwargs):
        seen.append((self.device, self.k_neighbors))
        return original(self.set_params(**{k: v for k, v in TINY.items() if k != "device"}),
                        X, y)

    monkeypatch.setattr(MISOSampler, "fit_resample", fit_resample)
    X, y = embeddings
    train, test = np.arange(0, 300, 2), np.arange(1, 300, 2)
    evaluate_fold("embedding", "miso", None, X, y, train, test, device="cpu", k_neighbors=3)
    assert seen == [("cpu", 3)]


def test_registry():
    assert {"none", "ros", "smote", "adasyn", "balanced", "threshold", "cag", "miso",
            "miso+threshold", "miso-residual", "miso-legacy"} <= set(METHODS["embedding"])
    assert "tmix" in METHODS["finetune"] and "smote" not in METHODS["finetune"]
    assert {"focal", "crt"} <= set(METHODS["textcnn"]) and "tmix" not in METHODS["textcnn"]
    assert SETTINGS["rotten_tomatoes-rotten-5"].ratio == 0.05
    with pytest.raises(KeyError):
        evaluate_cell("embedding", "focal", None, np.zeros((10, 2)), np.array([0, 1] * 5))


@pytest.mark.slow
def test_figure_one_analogue(tmp_path, embeddings):
    pytest.importorskip("matplotlib")
    from miso_resample.benchmark.figure import plot_reembedding

    X, y = embeddings
    path = tmp_path / "figure1.png"
    before, after = plot_reembedding(X, y, path, random_state=0)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    assert 0 <= after <= before <= 100


@pytest.mark.slow
def test_text_backbone_cells(monkeypatch, review_texts):
    from miso_resample.classifiers import TextCNNClassifier

    texts, labels = review_texts
    y = (labels == "neg").astype(int)
    X = np.random.RandomState(0).normal(size=(len(texts), 4))   # stands in for embeddings
    seen = _record_fits(monkeypatch, TextCNNClassifier)
    focal = evaluate_cell("textcnn", "focal", texts, X, y, n_folds=3, device="cpu")
    assert [n for n, _ in seen] == [80] * 3                    # training folds only
    assert all(np.isnan(r["ds_after"]) for r in focal)
    seen.clear()
    ros = evaluate_cell("textcnn", "ros", texts, X, y, n_folds=3, device="cpu")
    # random over-sampling balances each training fold: twice its majority count
    majority = [int((y[train] == 0).sum()) for _, _, train, _ in fold_splits(y, n_folds=3)]
    assert [n for n, _ in seen] == [2 * m for m in majority] and set(majority) == {66, 67}
    assert all(r["anchor_exact_copy_rate"] == 100.0 for r in ros)
    # the cross-fitted judge's column (its known answers are in test_metrics.py); the
    # in-sample one of older folders is no longer written
    assert all("anchor_p_class_ratio" not in r for r in ros)
    assert all(np.isfinite(r["anchor_p_class_ratio_cv"]) and r["anchor_p_class_ratio_cv"] > 0
               for r in ros)


def _folds(rows):
    return pd.DataFrame([{"repeat": 0, "seconds": 1.0, "error": np.nan, **r} for r in rows])


def test_summary_tables_give_means_intervals_and_gaps():
    rows = [dict(setting="a", backbone="embedding", method=m, fold=i, f1=v)
            for m, values in {"none": [10, 12, 14], "smote": [30, 30, 30],
                              "miso": [24, 25, 26], "miso+threshold": [33, 34, 35]}.items()
            for i, v in enumerate(values)]
    summary = summarize(_folds(rows))
    none = summary.set_index("method").loc["none"]
    # mean 12; 3 folds, so n_test / n_train = 1/2 (Nadeau & Bengio):
    # t(0.975, 2) * sqrt((1/3 + 1/2) * sd^2 4) = 4.3027 * 1.8257 = 7.856
    assert none["f1"] == 12 and none["f1_ci"] == pytest.approx(7.8555, abs=1e-3)
    assert "| a | 12.0 ±7.9 | 30.0 ±0.0 | 25.0 ±3.9 | 34.0 ±3.9 |" in means_table(summary,
                                                                           "embedding")
    gap = gap_table(summary).splitlines()[2]
    assert gap == "| a | embedding | smote 30.0 ±0.0 | 25.0 ±3.9 | -5.0 | 34.0 ±3.9 | +4.0 |"


def test_runner_resumes_retries_failures_and_caches_embeddings(monkeypatch, tmp_path,
                                                               review_texts):
    from miso_resample import embeddings as embeddings_module
    from miso_resample.benchmark import evaluate, runner

    texts, labels = review_texts
    y = (np.asarray(labels) == "neg").astype(int)
    monkeypatch.setattr(runner, "load_setting", lambda *a, **k: (texts, y))
    embedded = []

    class FakeEmbedder:
        def __init__(self, **kwargs):
            pass

        def fit(self):
            return self

        def transform(self, docs):
            embedded.append(len(docs))
            return np.random.RandomState(0).normal(size=(len(docs), 4))

    monkeypatch.setattr(embeddings_module, "TransformerEmbedder", FakeEmbedder)
    calls, fail = [], {"ros"}

    def fake_fold(backbone, method, *args, **kwargs):
        calls.append(method)
        if method in fail:
            raise ValueError("boom\nsecond line")
        return {"f1": 50.0, "macro_f1": 60.0, "f1_ds": 40.0, "f1_non_ds": 70.0,
                "ds_before": 90.0, "ds_after": 80.0, "seconds": 0.1}

    monkeypatch.setattr(evaluate, "evaluate_fold", fake_fold)
    args = (["rotten_tomatoes-rotten-5"], ["none", "ros", "miso", "smote"])
    kwargs = dict(out=tmp_path, n_folds=3, repeats=2, verbose=0, figure=False,
                  skip=("embedding/smote",), command="first")
    folds = runner.run_benchmark(*args, **kwargs)
    assert calls == ["none"] * 6 + ["ros"] * 6 + ["miso"] * 6 and embedded == [len(texts)]
    assert folds["error"].fillna("").str.startswith("ValueError: boom").sum() == 6
    report = (tmp_path / "results.md").read_text()
    assert "Total wall time" in report and "ValueError: boom" in report
    assert "Command: `first`" in report
    assert "Significance: backbone `embedding`" in report
    # a rerun resumes: only the failed folds run again, embeddings come from the cache
    calls.clear()
    fail.clear()
    folds = runner.run_benchmark(*args, **{**kwargs, "command": "second"})
    assert calls == ["ros"] * 6 and embedded == [len(texts)]
    # both commands that wrote into the folder are listed, each once, in order
    runner.run_benchmark(*args, **{**kwargs, "command": "second"})
    assert "- `first`\n- `second`\n\n" in (tmp_path / "results.md").read_text()
    assert folds["error"].isna().all() and len(folds) == 18
    # the report sums the folds' own times, those kept from the first run included
    assert "the folds' own times sum to 2 s" in (tmp_path / "results.md").read_text()
    with pytest.raises(ValueError, match="textcnn-miso"):
        runner.run_benchmark(["rotten_tomatoes-rotten-5"], ["none"], skip=("textcnn-miso",))


def test_results_name_settings_whose_fold_counts_differ_from_the_command():
    from miso_resample.benchmark.runner import _fold_counts

    summary = pd.DataFrame({"setting": ["a", "a", "b", "b", "c"], "n": [15, 15, 5, 7, 5]})
    sentence = _fold_counts(summary, expected=5)
    assert "a 15, b 5-7." in sentence and "c" not in sentence.split(":")[1]
    assert _fold_counts(summary[summary["setting"] == "c"], expected=5) == ""


def test_a_script_command_line_can_be_pasted_back():
    import shlex

    from miso_resample.benchmark.report import command_line

    argv = ["--methods", "MISO (edit, default)", "RandomOverSampler", "--threads", "1"]
    line = command_line("bench_text_rotten_tomatoes.py", argv)
    assert line.startswith("python benchmarks/bench_text_rotten_tomatoes.py ")
    assert shlex.split(line)[2:] == argv


def test_multi_class_scores_the_rarest_class_one_against_the_rest():
    from miso_resample.benchmark.protocol import fold_scores, minority_class

    assert minority_class(np.array([0, 0, 1])) == 1
    assert minority_class(np.array([0, 0, 0, 1, 1, 2])) == 2
    y_test, pred = np.array([0, 1, 2, 2, 1, 0]), np.array([0, 2, 2, 1, 1, 0])
    proba = np.array([0.1, 0.6, 0.9, 0.4, 0.2, 0.0])         # p(class 2)
    X = np.arange(12, dtype=float).reshape(6, 2)
    scores = fold_scores(y_test, pred, X, y_test, X, k_neighbors=1, proba=proba, minority=2)
    assert scores["f1"] == pytest.approx(50.0)                # tp 1, fp 1, fn 1
    # class 2 ranked 0.9, 0.6, 0.4: AP = (1/1 + 2/3) / 2
    assert scores["average_precision"] == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert scores["brier"] == pytest.approx(np.mean(
        (proba - np.array([0, 0, 1, 1, 0, 0])) ** 2))
    assert scores["macro_f1"] == pytest.approx(100 * (1 + 0.5 + 0.5) / 3)


def test_a_long_tailed_fold_scores_its_tail_and_has_no_tuned_threshold():
    from miso_resample.benchmark.runner import _cells

    rng = np.random.RandomState(0)
    # classes 0 and 1 overlap; the tail class 2 lies far away: its F1 is 100, macro-F1 less
    X = np.vstack([rng.normal(0, 1, (120, 4)), rng.normal(0.3, 1, (80, 4)),
                   rng.normal(8, 1, (20, 4))])
    y = np.repeat([0, 1, 2], [120, 80, 20])
    (_, _, train, test), *_ = fold_splits(y, n_folds=4)
    record = evaluate_fold("embedding", "ros", None, X, y, train, test, anchors=False)
    assert record["f1"] == pytest.approx(100.0) and record["macro_f1"] < 90
    with pytest.raises(ValueError, match="binary only"):
        evaluate_fold("embedding", "threshold", None, X, y, train, test)
    cells = _cells(["embedding"], ["none", "threshold", "miso", "miso+threshold"], (),
                   multiclass=True)
    assert cells == [("embedding", "none"), ("embedding", "miso")]


def test_the_long_tailed_setting_is_registered_as_its_own_group():
    from miso_resample.benchmark.protocol import GROUPS

    assert GROUPS["longtail"] == ["bbc_news-longtail-10"]
    setting = SETTINGS["bbc_news-longtail-10"]
    assert setting.imbalance_factor == 10 and setting.minority is None
    assert not set(GROUPS["longtail"]) & set(GROUPS["decisive"] + GROUPS["small"])


def test_results_give_macro_f1_tables_for_the_long_tailed_settings_only():
    from miso_resample.benchmark.tables import long_tail_tables

    rows = [{"setting": s, "backbone": "embedding", "method": m, "repeat": 0, "fold": f,
             "f1": 50.0, "macro_f1": macro + f, "seconds": 1.0}
            for s, macro in (("bbc_news-longtail-10", 70.0), ("bbc_news-tech-5-2k", 20.0))
            for m in ("none", "miso") for f in range(3)]
    (heading, table), = [tuple(long_tail_tables(summarize(pd.DataFrame(rows))))]
    assert "macro-F1" in heading and "bbc_news-longtail-10" in table
    assert "bbc_news-tech-5-2k" not in table and "71.0" in table      # mean of 70, 71, 72
