"""Merging a side folder's benchmark folds: known answers on hand-made folders."""

import pandas as pd
import pytest

from miso_resample.benchmark.merge import merge_folds
from miso_resample.benchmark.runner import _done_all
from miso_resample.cli import main


def _fold(setting, method, fold, f1, **extra):
    return dict(setting=setting, backbone="textcnn", method=method, repeat=0, fold=fold,
                f1=f1, macro_f1=f1 / 2, average_precision=f1 / 3, brier=0.05, **extra)


def _folder(path, rows, commands=(), caches=()):
    path.mkdir()
    pd.DataFrame(rows).to_csv(path / "folds.csv", index=False)
    if commands:
        (path / "commands.txt").write_text("".join(f"{c}\n" for c in commands))
    for name in caches:
        (path / "cache").mkdir(exist_ok=True)
        (path / "cache" / name).write_bytes(b"x")
    return path


@pytest.fixture
def folders(tmp_path):
    into = _folder(tmp_path / "main", [_fold("a", "none", 0, 10.0), _fold("a", "none", 1, 20.0)],
                   commands=["miso-resample benchmark --out main"], caches=["a.npy"])
    side = _folder(tmp_path / "side", [_fold("a", "none", 1, 20.0), _fold("b", "none", 0, 30.0),
                                       _fold("b", "miso", 0, 40.0)],
                   commands=["miso-resample benchmark --settings b --out side"],
                   caches=["a.npy", "b.npy"])
    return into, side


def test_merge_appends_the_missing_folds_and_checks_the_shared_ones(folders):
    into, side = folders
    before = (side / "folds.csv").read_text()
    counts = merge_folds(into, side)
    assert counts == {"added": 2, "agreed": 1, "total": 4}
    folds = pd.read_csv(into / "folds.csv")
    assert list(zip(folds["setting"], folds["method"], folds["fold"])) == [
        ("a", "none", 0), ("a", "none", 1), ("b", "none", 0), ("b", "miso", 0)]
    assert folds["f1"].tolist() == [10.0, 20.0, 30.0, 40.0]
    assert (side / "folds.csv").read_text() == before          # the source is read only
    assert (into / "commands.txt").read_text().splitlines() == [
        "miso-resample benchmark --out main",
        "miso-resample benchmark --settings b --out side (folder merged into this one)"]
    assert sorted(p.name for p in (into / "cache").iterdir()) == ["a.npy", "b.npy"]
    again = merge_folds(into, side)                            # idempotent
    assert again == {"added": 0, "agreed": 3, "total": 4}
    assert len((into / "commands.txt").read_text().splitlines()) == 2


def test_merge_refuses_folds_whose_scores_differ(folders):
    into, side = folders
    rows = pd.read_csv(side / "folds.csv")
    rows.loc[0, "average_precision"] += 0.01
    rows.to_csv(side / "folds.csv", index=False)
    before = (into / "folds.csv").read_text()
    with pytest.raises(ValueError, match=r"1 folds in both folders have different scores: "
                                         r"a/textcnn/none/0/1"):
        merge_folds(into, side)
    assert (into / "folds.csv").read_text() == before
    assert merge_folds(into, side, tolerance=0.1)["added"] == 2


def test_merge_replaces_a_failed_fold_and_fills_an_empty_folder(tmp_path):
    into = _folder(tmp_path / "main", [_fold("a", "miso", 0, float("nan"), error="boom")])
    side = _folder(tmp_path / "side", [_fold("a", "miso", 0, 50.0, error=float("nan"))])
    assert merge_folds(into, side) == {"added": 1, "agreed": 0, "total": 1}
    assert _done_all(into)["f1"].tolist() == [50.0]
    fresh = tmp_path / "fresh"
    assert merge_folds(fresh, side) == {"added": 1, "agreed": 0, "total": 1}
    assert pd.read_csv(fresh / "folds.csv")["f1"].tolist() == [50.0]
    with pytest.raises(ValueError, match="same folder"):
        merge_folds(side, side)


def test_merge_command(folders, tmp_path, capsys):
    into, side = folders
    assert main(["merge", str(side), "--into", str(into)]) == 0
    assert capsys.readouterr().out.startswith("2 folds added to ")
    assert main(["merge", str(tmp_path / "nowhere"), "--into", str(into)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("miso-resample: error:") and "does not exist" in err


def test_merge_refuses_folders_not_run_alike(tmp_path):
    into = _folder(tmp_path / "main", [_fold("a", "none", 0, 10.0, docs=2100, minority=100)])
    other = _folder(tmp_path / "other", [_fold("a", "miso", 0, 9.0, docs=1050, minority=50)])
    with pytest.raises(ValueError, match=r"Setting 'a' has docs \[2100\] in one folder and "
                                         r"\[1050\]"):
        merge_folds(into, other)
    no_brier = _folder(tmp_path / "old", [{k: v for k, v in _fold("a", "none", 0, 10.0).items()
                                           if k != "brier"}])
    with pytest.raises(ValueError, match=r"\['brier'\] are in only one"):
        merge_folds(into, no_brier)
    with pytest.raises(ValueError, match="tolerance must be a number >= 0"):
        merge_folds(into, other, tolerance=-1.0)
    assert len(pd.read_csv(into / "folds.csv")) == 1 and not (into / "cache").exists()


def test_merge_takes_only_the_settings_asked_for(folders):
    into, side = folders
    assert merge_folds(into, side, settings=["b"]) == {"added": 2, "agreed": 0, "total": 4}
    with pytest.raises(ValueError, match=r"no folds of the settings \['c'\]"):
        merge_folds(into, side, settings=["b", "c"])
    assert main(["merge", str(side), "--into", str(into), "--settings", "a"]) == 0
