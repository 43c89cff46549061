"""Merge a side folder's folds into a benchmark folder.

A long run can be split between processes that share no folder: a second one
runs other ``--settings`` (or the same ones, seeded with a copy of the folds
already done) into a side folder. :func:`merge_folds` then appends the side
folder's successful folds that the main folder lacks, checks that folds present
in both agree (same splits and seeds give the same scores), logs the side
folder's commands and copies its embedding caches. Rerunning the main folder's
command afterwards skips every merged fold and rewrites ``results.md``.
"""

import shutil
from pathlib import Path

import numpy as np

from .runner import _KEY as KEY

__all__ = ["merge_folds", "SCORES"]

SCORES = ("f1", "macro_f1", "average_precision", "brier")
MERGED = " (folder merged into this one)"


def _successful(path):
    import pandas as pd

    if not path.is_file():
        raise ValueError(f"{path} does not exist: nothing to merge.")
    folds = pd.read_csv(path)
    missing = [c for c in KEY if c not in folds]
    if missing:
        raise ValueError(f"{path} lacks the key columns {missing}.")
    if "error" in folds:
        folds = folds[folds["error"].isna()]
    folds = folds.astype({"repeat": int, "fold": int})
    return folds.drop_duplicates(KEY, keep="last")


def _disagreements(into, source, tolerance):
    """Keys of the folds present in both whose scores differ by more than ``tolerance``,
    and how many folds are in both."""
    if not len(into):
        return into[KEY], 0
    both = into.merge(source, on=KEY, suffixes=("_into", "_source"))
    one_sided = [s for s in SCORES if (s in into) != (s in source)]
    if len(both) and one_sided:
        raise ValueError(f"The scores {one_sided} are in only one of the folders: their "
                         "shared folds cannot be compared.")
    bad = np.zeros(len(both), dtype=bool)
    for score in SCORES:
        if score in into and score in source:
            a, b = both[f"{score}_into"].to_numpy(float), both[f"{score}_source"].to_numpy(float)
            bad |= ~np.isclose(a, b, rtol=0.0, atol=tolerance, equal_nan=True)
    return both.loc[bad, KEY], len(both)


def _check_settings_alike(into, source):
    """The folders' shared settings must have the same documents and minority counts
    (another ``--max-majority`` or corpus version would not)."""
    for column in ("docs", "minority"):
        if column not in into or column not in source:
            continue
        ours = into.groupby("setting")[column].agg(set)
        theirs = source.groupby("setting")[column].agg(set)
        for setting in ours.index.intersection(theirs.index):
            if ours[setting] != theirs[setting]:
                raise ValueError(f"Setting {setting!r} has {column} {sorted(ours[setting])} "
                                 f"in one folder and {sorted(theirs[setting])} in the other: "
                                 "the folders were not run alike.")


def _log_commands(into, source):
    logged = (into / "commands.txt").read_text().splitlines() \
        if (into / "commands.txt").is_file() else []
    theirs = (source / "commands.txt").read_text().splitlines() \
        if (source / "commands.txt").is_file() else []
    new = [c if c.endswith(MERGED) else c + MERGED for c in theirs if c]
    added = [c for c in new if c not in logged and c.removesuffix(MERGED) not in logged]
    if added:
        (into / "commands.txt").write_text("".join(f"{c}\n" for c in [*logged, *added]))


def _copy_caches(into, source):
    if not (source / "cache").is_dir():
        return
    (into / "cache").mkdir(parents=True, exist_ok=True)
    for path in (source / "cache").iterdir():
        if path.is_file() and not (into / "cache" / path.name).exists():
            shutil.copy2(path, into / "cache" / path.name)


def merge_folds(into, source, *, settings=None, tolerance=1e-6):
    """Append ``source``'s folds missing from ``into`` to ``into/folds.csv``.

    Run it while no benchmark process writes to either folder.

    Parameters
    ----------
    into : str or Path
        The main benchmark folder (its ``folds.csv`` is rewritten; created if absent).
    source : str or Path
        The side folder, read only.
    settings : list of str or None, default=None
        Merge only these settings' folds (None: all of them).
    tolerance : float, default=1e-6
        Largest absolute difference allowed between the scores (:data:`SCORES`) of a
        fold present in both folders.

    Returns
    -------
    counts : dict
        ``added`` (folds appended), ``agreed`` (folds in both, scores equal) and
        ``total`` (successful folds in ``into`` afterwards).

    Raises
    ------
    ValueError
        If ``tolerance`` is negative, ``source`` has no ``folds.csv``, a file lacks the
        key columns, a setting in both folders has other document or minority counts,
        or a fold in both has different scores or scores only one folder records
        (nothing is written then).
    """
    import pandas as pd

    into, source = Path(into), Path(source)
    if not tolerance >= 0:
        raise ValueError(f"tolerance must be a number >= 0, got {tolerance!r}.")
    if into.resolve() == source.resolve():
        raise ValueError("into and source are the same folder.")
    theirs = _successful(source / "folds.csv")
    if settings is not None:
        unknown = sorted(set(settings) - set(theirs["setting"]))
        if unknown:
            raise ValueError(f"{source / 'folds.csv'} has no folds of the settings {unknown}.")
        theirs = theirs[theirs["setting"].isin(settings)]
    path = into / "folds.csv"
    old = pd.read_csv(path) if path.is_file() else pd.DataFrame()
    ours = _successful(path) if path.is_file() else theirs.iloc[:0]
    _check_settings_alike(ours, theirs)
    bad, n_both = _disagreements(ours, theirs, tolerance)
    if len(bad):
        rows = "; ".join("/".join(map(str, r)) for r in bad.itertuples(index=False))
        raise ValueError(f"{len(bad)} folds in both folders have different scores: {rows}.")
    seen = set(ours[KEY].itertuples(index=False, name=None))
    fresh = theirs.loc[np.array([key not in seen for key in
                                 theirs[KEY].itertuples(index=False, name=None)], dtype=bool)]
    into.mkdir(parents=True, exist_ok=True)
    _copy_caches(into, source)
    merged = pd.concat([old, fresh], ignore_index=True) if len(old) else fresh
    merged.to_csv(into / "folds.csv.tmp", index=False)
    (into / "folds.csv.tmp").replace(path)                 # folds last, in one step
    _log_commands(into, source)
    return {"added": len(fresh), "agreed": n_both, "total": len(ours) + len(fresh)}
