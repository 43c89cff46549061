"""The benchmark harness: cells run on the training folds only, metrics are sane."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV

from miso_resample.benchmark import METHODS, SETTINGS, evaluate_cell
from miso_resample.benchmark.runner import format_table, gap_table, wide_table


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
    result = evaluate_cell(X, y, "balanced", n_folds=5)
    assert [n for n, _ in seen] == [240] * 5              # 4/5 of 300 rows, never more
    assert {w for _, w in seen} == {"balanced"}
    assert 0 <= result["f1"] <= 100 and result["f1_sd"] >= 0


def test_tuned_threshold_wraps_the_pipeline_inside_training_folds(monkeypatch, embeddings):
    X, y = embeddings
    seen = _record_fits(monkeypatch, TunedThresholdClassifierCV)
    inner = _record_fits(monkeypatch, LogisticRegression)
    result = evaluate_cell(X, y, "threshold", n_folds=5)
    assert [n for n, _ in seen] == [240] * 5
    # the inner cross-validation (3 folds of the 240 training rows) plus the refit
    assert max(n for n, _ in inner) == 240 and min(n for n, _ in inner) == 160
    assert np.isnan(result["ds_after"]) and 0 <= result["f1"] <= 100


def test_tuned_threshold_raises_minority_recall_over_plain_logistic_regression():
    X, y = make_classification(n_samples=600, n_features=8, weights=[0.95, 0.05],
                               class_sep=0.6, flip_y=0, random_state=3)
    plain = evaluate_cell(X, y, "none", n_folds=3)
    tuned = evaluate_cell(X, y, "threshold", n_folds=3)
    assert tuned["f1"] > plain["f1"]


def test_resampling_methods_report_difficult_shares(embeddings):
    X, y = embeddings
    ros = evaluate_cell(X, y, "ros", n_folds=3)
    none = evaluate_cell(X, y, "none", n_folds=3)
    assert none["ds_before"] == none["ds_after"]            # nothing added
    assert ros["ds_after"] <= ros["ds_before"]              # copies surround originals
    table = format_table([{"setting": "s", "method": "ros", **ros}])
    assert "| s | embedding | ros |" in table and "±" in table


def test_registry_names():
    assert {"none", "ros", "smote", "adasyn", "balanced", "threshold", "cag", "miso",
            "miso+threshold"} == set(METHODS)
    assert SETTINGS["rotten_tomatoes-rotten-5"].ratio == 0.05
    with pytest.raises(KeyError):
        evaluate_cell(np.zeros((10, 2)), np.array([0, 1] * 5), "focal")


def test_figure_one_analogue(tmp_path, embeddings):
    pytest.importorskip("matplotlib")
    from miso_resample.benchmark.figure import plot_reembedding

    X, y = embeddings
    path = tmp_path / "figure1.png"
    before, after = plot_reembedding(X, y, path, random_state=0)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    assert 0 <= after <= before <= 100


def test_text_backbone_cells(monkeypatch, review_texts):
    from miso_resample.benchmark import evaluate_text_cell
    from miso_resample.classifiers import TextCNNClassifier

    texts, labels = review_texts
    y = (labels == "neg").astype(int)
    X = np.random.RandomState(0).normal(size=(len(texts), 4))   # stands in for embeddings
    seen = _record_fits(monkeypatch, TextCNNClassifier)
    focal = evaluate_text_cell(texts, X, y, "textcnn", "focal", n_folds=3, device="cpu")
    assert [n for n, _ in seen] == [80] * 3                    # training folds only
    assert 0 <= focal["f1"] <= 100 and np.isnan(focal["ds_after"])
    seen.clear()
    miso = evaluate_text_cell(texts, X, y, "textcnn", "miso", n_folds=3, device="cpu")
    # MISO's anchors balance each training fold (67 positive reviews -> 67 + 67 texts)
    assert all(n > 120 for n, _ in seen) and 0 <= miso["f1"] <= 100


def _row(setting, method, f1, backbone="embedding", **extra):
    return {"setting": setting, "backbone": backbone, "method": method, "f1": f1,
            "f1_sd": 1.0, **extra}


def test_gap_table_compares_miso_with_the_best_other_method():
    rows = [_row("a", "none", 10.0), _row("a", "smote", 30.0), _row("a", "miso", 25.0),
            _row("a", "miso+threshold", 33.5), _row("a", "cag", np.nan),
            _row("b", "none", 5.0, backbone="textcnn"), _row("b", "miso", 9.0, "textcnn"),
            _row("b", "ros", 50.0, "textcnn", error="ValueError: boom")]
    lines = gap_table(rows).splitlines()
    assert lines[2] == ("| a | embedding | smote 30.0±1.0 | 25.0±1.0 | -5.0 | 33.5±1.0 | "
                        "+3.5 |")
    # a failed cell is not a candidate; a missing MISO row shows as "-"
    assert lines[3] == "| b | textcnn | none 5.0±1.0 | 9.0±1.0 | +4.0 | - | - |"
    assert len(lines) == 4


def test_runner_records_a_failing_cell_and_honours_skip(monkeypatch, tmp_path, review_texts):
    from miso_resample.benchmark import runner

    texts, labels = review_texts
    monkeypatch.setattr(runner, "load_setting", lambda *a, **k: (
        texts, (np.asarray(labels) == "neg").astype(int)))

    def fake_cell(X, y, method, **kwargs):
        if method == "ros":
            raise ValueError("boom\nsecond line")
        return {"f1": 0.5, "f1_sd": 0.1, "macro_f1": 0.6, "macro_f1_sd": 0.1,
                "ds_before": 1.0, "ds_after": 1.0, "f1_ds": 0.5, "f1_non_ds": 0.5,
                "seconds": 0.1}

    monkeypatch.setattr(runner, "evaluate_cell", fake_cell)
    rows = runner.run_benchmark(["rotten_tomatoes-rotten-5"], ["none", "ros", "smote"],
                                out=tmp_path, verbose=0, figure=False,
                                skip=("embedding/smote",))
    assert [r["method"] for r in rows] == ["none", "ros"]
    assert rows[1]["error"] == "ValueError: boom"
    report = (tmp_path / "results.md").read_text()
    assert "failed: ValueError: boom" in report and "Total wall time" in report
    with pytest.raises(ValueError, match="textcnn-miso"):
        runner.run_benchmark(["rotten_tomatoes-rotten-5"], ["none"], skip=("textcnn-miso",))


def test_wide_table_has_one_line_per_setting_and_backbone():
    rows = [_row("a", "none", 10.0), _row("a", "miso", 25.04),
            _row("a", "none", 5.0, "textcnn"), _row("a", "miso", 1.0, "textcnn", error="X: y")]
    assert wide_table(rows).splitlines() == [
        "| setting | backbone | none | miso |", "|---|---|---|---|",
        "| a | embedding | 10.0 | 25.0 |", "| a | textcnn | 5.0 | failed |"]
