"""The GPU benchmark script runs end to end on the CPU in dry-run mode (issue #7)."""

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_gpu_script_refuses_to_run_without_cuda(monkeypatch, capsys):
    """The script imports, and without a GPU it stops at once with a clear message."""
    import torch

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    bench_gpu = importlib.import_module("bench_gpu")
    try:
        with pytest.raises(SystemExit) as exit_info:
            bench_gpu.main(["--dense-sizes", "300", "--text-sizes", "200"])
    finally:
        sys.modules.pop("bench_gpu", None)
    assert exit_info.value.code == 2
    assert "no CUDA device visible" in capsys.readouterr().err


@pytest.mark.slow
def test_gpu_script_dry_run(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench_gpu = importlib.import_module("bench_gpu")
    rows = bench_gpu.main(["--dry-run", "--out", str(tmp_path)])
    assert [(r["data"], r["n"]) for r in rows] == [("dense", 300), ("dense", 600),
                                                     ("text", 200)]
    for row in rows:
        assert row["device"] == "cpu" and row["fit_resample_s"] > 0
        assert row["pairs_per_s"] > 0 and row["cpu_pairs_per_s"] > 0
        assert row["speed_up"] == pytest.approx(row["pairs_per_s"] / row["cpu_pairs_per_s"],
                                                rel=0.05, abs=0.06)
    report = (tmp_path / "gpu_dry_run.md").read_text()
    assert "DRY RUN" in report and "bench_gpu.py --dry-run" in report
    assert (tmp_path / "gpu_dry_run.csv").read_text().count("\n") == 4
    sys.modules.pop("bench_gpu", None)
