"""The miso-resample command: resample a file; benchmark --quick."""

import numpy as np
import pandas as pd
import pytest

from miso_resample.cli import main


@pytest.fixture
def dense_csv(tmp_path, overlapping_binary):
    X, y = overlapping_binary
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame["label"] = np.where(y == 1, "rare", "common")
    path = tmp_path / "dense.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_resample_dense_csv(dense_csv, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert main(["resample", "--input", str(dense_csv), "--label-column", "label",
                 "--output", str(out), "--quiet"]) == 0
    result = pd.read_csv(out)
    assert result["label"].value_counts().to_dict() == {"common": 360, "rare": 360}
    assert result["is_anchor"].sum() == 320
    sources = result.loc[result["is_anchor"], "anchor_source"]
    assert (result.loc[sources, "label"] == "rare").all()
    assert "320 anchors generated" in capsys.readouterr().out


@pytest.mark.slow
def test_resample_text_parquet(tmp_path, review_texts):
    pytest.importorskip("pyarrow")
    texts, y = review_texts
    path = tmp_path / "reviews.parquet"
    pd.DataFrame({"review": texts, "sentiment": y, "other": 1}).to_parquet(path)
    out = tmp_path / "out.parquet"
    assert main(["resample", "--input", str(path), "--label-column", "sentiment",
                 "--text-column", "review", "--output", str(out), "--quiet"]) == 0
    result = pd.read_parquet(out)
    assert list(result.columns) == ["review", "sentiment", "is_anchor", "anchor_source"]
    assert (result["sentiment"] == "neg").sum() == 100
    assert result.loc[result["is_anchor"], "review"].str.len().gt(0).all()


@pytest.mark.parametrize("args, message", [
    (["--input", "nowhere.csv"], "input file not found"),
    (["--text-column", "body"], r"column\(s\) \['body'\] not in"),
    (["--label-column", "one"], "single class"),
])
def test_resample_errors_are_one_line(dense_csv, tmp_path, capsys, args, message):
    frame = pd.read_csv(dense_csv)
    frame["one"] = "x"
    frame.to_csv(dense_csv, index=False)
    base = {"--input": str(dense_csv), "--label-column": "label",
            "--output": str(tmp_path / "o.csv")}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    argv = ["resample"] + [x for kv in base.items() for x in kv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("miso-resample: error:") and "\n" not in err
    assert __import__("re").search(message, err)


def test_benchmark_rejects_unknown_names(capsys):
    assert main(["benchmark", "--settings", "imdb-1", "--quiet"]) == 2
    assert "Unknown settings, methods or backbones: ['imdb-1']" in capsys.readouterr().err


@pytest.mark.slow
def test_benchmark_quick_runs_the_protocol_and_the_statistics(tmp_path, capsys):
    """The quick benchmark on the real Rotten Tomatoes corpus (fetched by CI's install)."""
    from miso_resample.cli import QUICK
    from miso_resample.datasets import fetch_rotten_tomatoes

    try:
        fetch_rotten_tomatoes(download_if_missing=False)
    except OSError:
        pytest.skip("the Rotten Tomatoes corpus is not cached; .ci/run fetches it")
    assert main(["benchmark", "--quick", "--quiet", "--no-figure", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| setting | " + " | ".join(QUICK["methods"]) + " |" in out
    folds = pd.read_csv(tmp_path / "folds.csv")
    # 2 settings x 6 methods x 3 folds x 2 repeats, every fold scored
    assert len(folds) == 72 and folds["f1"].between(0, 100).all()
    assert set(folds["docs"]) == {1050, 1010} and set(folds["repeat"]) == {0, 1}
    report = (tmp_path / "results.md").read_text()
    assert "Command: `miso-resample" in report and "Friedman test (k = 6" in report
    assert "**Conclusion:** miso" in report and "Wilcoxon" in report
    # --render-only rewrites the same tables from folds.csv, running and logging nothing
    commands = (tmp_path / "commands.txt").read_text()
    (tmp_path / "results.md").unlink()
    assert main(["benchmark", "--quick", "--quiet", "--render-only", "--out",
                 str(tmp_path)]) == 0
    again = (tmp_path / "results.md").read_text()
    assert "**Partial results** (72 folds" in again
    assert again.split("\n## ", 1)[1] == report.split("\n## ", 1)[1]
    assert (tmp_path / "commands.txt").read_text() == commands
    assert len(pd.read_csv(tmp_path / "folds.csv")) == 72
    assert main(["benchmark", "--render-only", "--out", str(tmp_path / "none")]) == 2
    assert "no " + str(tmp_path / "none" / "folds.csv") in capsys.readouterr().err
