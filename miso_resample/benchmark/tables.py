"""Markdown tables of the benchmark, built with pandas from the per-fold records.

Every table reads the long per-fold table (one row per setting, backbone,
method, repeat and fold; ``error`` set where a fold failed) that
:func:`~miso_resample.benchmark.runner.run_benchmark` writes to ``folds.csv``.
"""

import numpy as np

from .protocol import GROUPS
from .report import markdown_table

__all__ = ["summarize", "means_table", "gap_table", "difficulty_table", "anchor_table",
           "ablation_table", "is_miso_variant", "long_tail_tables", "MISO_METHODS"]

MISO_METHODS = ("miso", "miso+threshold")
# MISO's own variants (left out of the comparison with its peers) and its ablations,
# the methods named ``miso-*``
MISO_VARIANTS = ("miso+threshold", "cag")
_CELL = ["setting", "backbone", "method"]


def _ok(folds):
    """Folds without an error."""
    if "error" not in folds:
        return folds
    return folds[folds["error"].isna() | (folds["error"].astype(str) == "")]


def summarize(folds, confidence=0.95):
    """One row per cell: folds used, mean and CI of each score, means of the rest.

    Columns: ``n``, ``f1``, ``f1_ci`` (the half-width of the interval corrected
    for overlapping training sets, Nadeau & Bengio 2003, with ``k`` the folds per
    repeat), ``macro_f1``, ``macro_f1_ci``, the means of ``average_precision``,
    ``brier`` and ``train_steps`` where recorded, of ``f1_ds``, ``f1_non_ds``, ``ds_before``,
    ``ds_after`` and every ``anchor_*`` column, ``seconds`` (summed over folds)
    and ``error`` (the first error of the cell's failed folds, if any).
    """
    import pandas as pd

    from .decisive import corrected_interval

    n_folds = max(2, int(pd.to_numeric(folds["fold"], errors="coerce").nunique()))
    rows = []
    for key, cell in folds.groupby(_CELL, sort=False):
        good = _ok(cell)
        row = dict(zip(_CELL, key), n=len(good))
        for score in ("f1", "macro_f1"):
            row[score], row[f"{score}_ci"] = corrected_interval(
                good[score] if score in good else [], 1 / (n_folds - 1), confidence)
        for score in ("average_precision", "brier", "train_steps"):
            if score in good:
                values = pd.to_numeric(good[score], errors="coerce")
                row[score] = float(values.mean()) if values.notna().any() else np.nan
        for column in [c for c in cell.columns if c in ("f1_ds", "f1_non_ds", "ds_before",
                                                        "ds_after") or c.startswith("anchor_")]:
            values = pd.to_numeric(good[column], errors="coerce")
            row[column] = float(values.mean()) if values.notna().any() else np.nan
        row["seconds"] = float(pd.to_numeric(cell["seconds"], errors="coerce").sum())
        errors = [e for e in cell.get("error", pd.Series(dtype=object)).dropna() if str(e)]
        row["error"] = errors[0] if errors else ""
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt(mean, half=None):
    if mean is None or not np.isfinite(mean):
        return "-"
    if half is None or not np.isfinite(half):
        return f"{mean:.1f}"
    return f"{mean:.1f} ±{half:.1f}"


def means_table(summary, backbone, score="f1"):
    """Settings x methods of one backbone: mean ± 95% CI half-width of ``score``."""
    part = summary[summary["backbone"] == backbone]
    methods = list(dict.fromkeys(part["method"]))
    rows = []
    for setting, cells in part.groupby("setting", sort=False):
        by_method = {r["method"]: r for _, r in cells.iterrows()}
        row = {"setting": setting}
        for method in methods:
            r = by_method.get(method)
            row[method] = ("-" if r is None else "failed" if r["n"] == 0
                           else _fmt(r[score], r[f"{score}_ci"]))
        rows.append(row)
    return markdown_table(rows, ["setting", *methods])


def gap_table(summary, score="f1"):
    """MISO (and MISO + threshold) against the best other method of each setting and
    backbone, by mean ``score``; gaps in points."""
    rows = []
    for (setting, backbone), cells in summary.groupby(["setting", "backbone"], sort=False):
        cells = cells[cells["n"] > 0]
        others = cells[~cells["method"].isin(MISO_METHODS)
                       & ~cells["method"].str.startswith("miso-")]
        if others.empty or not np.isfinite(others[score]).any():
            continue
        best = others.loc[others[score].idxmax()]
        row = {"setting": setting, "backbone": backbone,
               "best other method": f"{best['method']} {_fmt(best[score], best[score + '_ci'])}"}
        for method in MISO_METHODS:
            mine = cells[cells["method"] == method]
            if mine.empty:
                row[method], row[f"{method} gap"] = "-", "-"
                continue
            m = mine.iloc[0]
            row[method] = _fmt(m[score], m[score + "_ci"])
            row[f"{method} gap"] = f"{m[score] - best[score]:+.1f}"
        rows.append(row)
    return markdown_table(rows)


def difficulty_table(summary):
    """Tables 4 and 5: difficult share before -> after resampling, and minority F1 on
    difficult / non-difficult test samples."""
    rows = [{"setting": r["setting"], "backbone": r["backbone"], "method": r["method"],
             "DS% before → after": f"{_fmt(r.get('ds_before'))} → {_fmt(r.get('ds_after'))}",
             "F1 DS / non-DS": f"{_fmt(r.get('f1_ds'))} / {_fmt(r.get('f1_non_ds'))}",
             "seconds": f"{r['seconds']:.0f}"} for _, r in summary.iterrows()]
    return markdown_table(rows)


def anchor_table(summary):
    """Mean anchor-quality metrics of every cell whose sampler generated anchors."""
    columns = [c for c in summary.columns if c.startswith("anchor_")]
    if not columns:
        return ""
    part = summary[summary[columns].notna().any(axis=1)]
    rows = []
    for _, r in part.iterrows():
        row = {"setting": r["setting"], "backbone": r["backbone"], "method": r["method"]}
        for c in columns:
            value = r[c]
            row[c.removeprefix("anchor_")] = "" if not np.isfinite(value) else (
                f"{value:.2f}" if c.startswith("anchor_p_class_ratio") else f"{value:.1f}")
        rows.append(row)
    return markdown_table(rows)


def is_miso_variant(methods):
    """Boolean mask of a Series of method names: MISO's variants and ablations."""
    return methods.str.startswith("miso-") | methods.isin(MISO_VARIANTS)


def ablation_table(folds, backbone, score="f1"):
    """MISO's variants and ablations (``cag``, ``miso+threshold``, ``miso-*``) against
    MISO on the folds both ran: mean difference, Holm-adjusted Wilcoxon p, and the
    variants' mean anchor metrics over those folds. "" when the backbone has none."""
    from .stats import wilcoxon_against

    part = folds[(folds["backbone"] == backbone) & folds[score].notna()]
    variants = list(dict.fromkeys(part.loc[is_miso_variant(part["method"]), "method"]))
    if "miso" not in set(part["method"]) or not variants:
        return ""
    tests = wilcoxon_against(part[part["method"].isin(["miso", *variants])], "miso",
                             score=score, backbone=backbone).set_index("method")
    columns = [c for c in ("anchor_shrinkage", "anchor_p_class", "anchor_recall",
                           "anchor_duplicate_rate") if c in part]
    rows = []
    for method in ["miso", *variants]:
        t = tests.loc[method] if method != "miso" else None
        row = {"variant": method,
               "pairs": "" if t is None else int(t["n_pairs"]),
               f"{score}: variant minus MISO": "" if t is None else
               f"{0.0 - t['mean_difference']:+.2f}",
               "Holm p": "" if t is None or not np.isfinite(t["p_holm"]) else
               f"{t['p_holm']:.3g}"}
        means = part[part["method"] == method][columns].mean()
        row.update({c.removeprefix("anchor_"): "" if not np.isfinite(v) else f"{v:.1f}"
                    for c, v in means.items()})
        rows.append(row)
    return markdown_table(rows)


def long_tail_tables(summary):
    """Macro-F1 tables of the long-tailed settings: the score to read there (their
    "minority" is the tail class alone)."""
    tail = summary[summary["setting"].isin(GROUPS["longtail"])]
    parts = []
    for backbone in dict.fromkeys(tail["backbone"]):
        parts += [f"## Long-tailed settings: macro-F1, backbone `{backbone}` (mean ± 95% "
                  "CI; the minority F1 above is the tail class's)",
                  means_table(tail, backbone, score="macro_f1")]
    return parts
