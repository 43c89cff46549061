"""The decisive test of ``benchmarks/README.md``: statistics that fit the design.

Folds of one setting share most of their training data, so they are not
independent samples; settings are. Hence, as in Demšar (JMLR 2006):

* across settings, a Wilcoxon signed-rank test of the per-setting mean scores
  of MISO against each method of a small set fixed in advance
  (:data:`PREREGISTERED`), Holm-adjusted over that set; with ``N`` settings the
  smallest exact two-sided p is ``2 / 2^N`` (0.0039 for the nine decisive ones);
* within a setting, the corrected resampled t-test of Nadeau & Bengio (Machine
  Learning 52, 2003), whose variance ``(1/J + n_test/n_train) s^2`` accounts for
  the overlap of the training sets, and intervals corrected the same way;
* the Friedman chi-square and its Iman-Davenport F side by side (with few
  settings the two approximations can disagree).
"""

import math

import numpy as np
from scipy import stats

from .protocol import GROUPS
from .stats import _as_frame, _holm, friedman_test, mean_confidence_interval
from .tables import is_miso_variant

__all__ = ["PREREGISTERED", "corrected_resampled_t_test", "corrected_interval",
           "setting_means", "decisive_test", "decisive_report", "decisive_sections", "ALPHA"]

ALPHA = 0.05
# MISO's comparisons on each backbone, fixed before the run (benchmarks/README.md)
PREREGISTERED = {
    "embedding": ("balanced", "threshold", "smote"),
    "embedding-mlp": ("balanced", "threshold", "logit-adjust"),
    "textcnn": ("balanced", "threshold", "eda"),
    "textrnn": ("balanced", "threshold", "eda"),
    "finetune": ("balanced", "threshold", "eda"),
}


def _corrected_scale(x, test_train_ratio):
    """``sqrt((1/J + ratio) s^2)``, the corrected standard error of the mean of ``x``."""
    return math.sqrt((1 / x.size + test_train_ratio) * x.var(ddof=1))


def corrected_resampled_t_test(differences, test_train_ratio):
    """Nadeau & Bengio's corrected resampled t-test that the mean difference is 0.

    Parameters
    ----------
    differences : array-like of shape (J,)
        Paired score differences, one per fold of a repeated k-fold CV.
    test_train_ratio : float
        ``n_test / n_train`` of one fold: ``1 / (k - 1)`` for k-fold CV.

    Returns
    -------
    t : float
        ``mean(d) / sqrt((1/J + ratio) * var(d))`` (``var`` with ``ddof=1``).
    p_value : float
        Two-sided, from Student's t with ``J - 1`` degrees of freedom; 1.0 when
        every difference is 0, NaN with fewer than 2 differences.
    """
    d = np.asarray(differences, dtype=float)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return float("nan"), float("nan")
    scale = _corrected_scale(d, test_train_ratio)
    if scale == 0:
        return (0.0, 1.0) if d.mean() == 0 else (math.copysign(math.inf, d.mean()), 0.0)
    t = d.mean() / scale
    return float(t), float(2 * stats.t.sf(abs(t), d.size - 1))


def corrected_interval(values, test_train_ratio, confidence=0.95):
    """Mean and corrected half-width ``t_{J-1} sqrt((1/J + ratio) s^2)`` of CV scores
    (NaN half-width with fewer than 2 finite values): the Student-t half-width of
    :func:`~miso_resample.benchmark.stats.mean_confidence_interval` times
    ``sqrt(1 + ratio J)``."""
    mean, half = mean_confidence_interval(values, confidence)
    n = int(np.isfinite(np.asarray(values, dtype=float)).sum())
    return mean, half * math.sqrt(1 + test_train_ratio * n)


def setting_means(folds, backbone, score="f1", settings=None):
    """Settings x methods table of mean ``score`` over each cell's folds."""
    df = _as_frame(folds, score)
    df = df[df["backbone"] == backbone]
    if settings is not None:
        df = df[df["setting"].isin(settings)]
    return df.pivot_table(index="setting", columns="method", values=score, aggfunc="mean",
                          sort=False)


def _wilcoxon_over_settings(means, reference, other):
    pair = means[[reference, other]].dropna()
    d = (pair[reference] - pair[other]).to_numpy()
    if len(d) < 2 or not np.any(d != 0):
        return len(d), d, float("nan")
    return len(d), d, float(stats.wilcoxon(d, alternative="two-sided").pvalue)


def _per_setting(folds, backbone, reference, other, score, test_train_ratio):
    """Per setting: the corrected t-test p of ``reference`` against ``other``."""
    df = _as_frame(folds, score)
    df = df[(df["backbone"] == backbone) & df["method"].isin([reference, other])]
    wide = df.pivot_table(index=["setting", "repeat", "fold"], columns="method",
                          values=score, sort=False)
    out = {}
    for setting, block in wide.groupby(level="setting", sort=False):
        if {reference, other} <= set(block.columns):
            out[setting] = corrected_resampled_t_test(
                (block[reference] - block[other]).to_numpy(), test_train_ratio)[1]
    return out


def decisive_test(folds, backbone, *, reference="miso", comparisons=None, score="f1",
                  settings=None, test_train_ratio=0.25, alpha=ALPHA):
    """The pre-registered decision for one backbone.

    Parameters
    ----------
    folds : pandas.DataFrame
        Long per-fold table.
    backbone : str
    reference : str, default="miso"
    comparisons : sequence of str or None, default=None
        The methods MISO is tested against (None: :data:`PREREGISTERED`).
    score : str, default="f1"
    settings : sequence of str or None, default=None
        The settings to decide on (None: all in ``folds``).
    test_train_ratio : float, default=0.25
        ``n_test / n_train`` of a fold (5-fold CV) for the per-setting tests.
    alpha : float, default=0.05

    Returns
    -------
    result : dict
        ``comparisons`` (a DataFrame: method, n_settings, mean_difference,
        settings_won, p_value, p_holm, and ``settings_significant``: settings where
        the per-setting corrected t-test has p < alpha, written ``+won/-lost``),
        ``means`` (mean score over the settings, every method), ``best_peer``,
        ``friedman`` and ``iman_davenport`` (statistic, p over every method),
        ``n_settings`` and ``verdict`` (one sentence).
    """
    import pandas as pd

    comparisons = list(comparisons or PREREGISTERED[backbone])
    means = setting_means(folds, backbone, score, settings).dropna(subset=[reference])
    rows = []
    for other in [c for c in comparisons if c in means.columns]:
        n, d, p = _wilcoxon_over_settings(means, reference, other)
        local = _per_setting(folds, backbone, reference, other, score, test_train_ratio)
        diffs = means[reference] - means[other]
        won = sum(1 for s, q in local.items() if q < alpha and diffs[s] > 0)
        lost = sum(1 for s, q in local.items() if q < alpha and diffs[s] < 0)
        rows.append([other, n, float(d.mean()) if n else np.nan, int((d > 0).sum()), p,
                     f"+{won}/-{lost}"])
    table = pd.DataFrame(rows, columns=["method", "n_settings", "mean_difference",
                                        "settings_won", "p_value", "settings_significant"])
    table.insert(5, "p_holm", _holm(table["p_value"].to_numpy()))
    overall = means.mean().sort_values(ascending=False)
    peers = overall[~is_miso_variant(pd.Series(overall.index)).to_numpy()
                    & (overall.index != reference)]
    complete = means.dropna(axis=0)
    return dict(comparisons=table, means=overall, n_settings=len(means),
                best_peer=peers.index[0] if len(peers) else None,
                friedman=friedman_test(complete), verdict=_verdict(
                    table, overall, peers, reference, alpha, len(comparisons)),
                iman_davenport=friedman_test(complete, iman_davenport=True))


def _verdict(table, overall, peers, reference, alpha, n_planned):
    """The pre-registered rule, in one sentence."""
    if len(table) < n_planned or table["p_holm"].isna().any():
        return "undecided: some pre-registered comparison has no result yet"
    significant = table["p_holm"] < alpha
    beaten = table[significant & (table["mean_difference"] < 0)]["method"].tolist()
    if beaten:
        return f"MISO loses: {', '.join(beaten)} beat(s) it with Holm p < {alpha}"
    best = len(peers) == 0 or overall[reference] > peers.iloc[0]
    if best and significant.all():
        return (f"MISO wins: the highest mean of all peers and Holm p < {alpha} against "
                "every pre-registered comparison")
    reason = ("its mean is not the highest" if not best
              else "not every pre-registered comparison reaches Holm p < " + str(alpha))
    return f"no win for MISO: {reason}"


_SCORES = (("f1", "minority F1"), ("macro_f1", "macro-F1"), ("average_precision", "AP"),
           ("brier", "Brier"), ("train_steps", "train steps"))


def _means_rows(folds, backbone, settings):
    """Per method: the mean over settings of each score's per-setting mean."""
    import pandas as pd

    columns = {}
    for score, label in _SCORES:
        if score in folds and folds[score].notna().any():
            columns[label] = setting_means(folds, backbone, score, settings).mean()
    table = pd.DataFrame(columns).sort_values("minority F1", ascending=False)
    return [{"method": method, **{k: ("-" if not np.isfinite(v) else f"{v:.3f}"
                                      if k == "Brier" else f"{v:.0f}" if k == "train steps"
                                      else f"{v:.1f}") for k, v in row.items()}}
            for method, row in table.iterrows()]


def decisive_report(folds, backbone, settings, *, n_folds=5, reference="miso"):
    """Markdown: the decisive test of one backbone over ``settings``."""
    from .report import markdown_table

    result = decisive_test(folds, backbone, reference=reference, settings=settings,
                           test_train_ratio=1 / (n_folds - 1))
    table = result["comparisons"]
    rows = [{"MISO against": r["method"], "settings": int(r["n_settings"]),
             "mean difference (points)": f"{r['mean_difference']:+.2f}",
             "settings MISO is ahead": int(r["settings_won"]),
             "Wilcoxon p": f"{r['p_value']:.4f}", "Holm p": f"{r['p_holm']:.4f}",
             "settings with corrected-t p < 0.05 (+MISO ahead/-behind)":
                 r["settings_significant"]} for _, r in table.iterrows()]
    chi2, p_chi2 = result["friedman"]
    f_stat, p_f = result["iman_davenport"]
    return "\n\n".join([
        f"### Backbone `{backbone}`: {result['n_settings']} decisive settings",
        f"**Verdict (pre-registered rule): {result['verdict']}.** Best peer by mean "
        f"minority F1: `{result['best_peer']}`.",
        "Means over the settings of each cell's mean (every method; Brier: lower is "
        "better):", markdown_table(_means_rows(folds, backbone, settings)),
        markdown_table(rows) if rows else "No pre-registered comparison has run yet.",
        f"Friedman chi² = {chi2:.2f} (p = {p_chi2:.4g}); Iman-Davenport F = {f_stat:.2f} "
        f"(p = {p_f:.4g}), over the methods with every setting complete."])


def decisive_sections(folds, n_folds=5):
    """The decisive test (``benchmarks/README.md``) of each backbone, on the decisive
    settings present; nothing when there are none."""
    settings = [s for s in GROUPS["decisive"] if s in set(folds["setting"])]
    ok = folds[folds["error"].isna() | (folds["error"].astype(str) == "")]
    ok = ok[ok["setting"].isin(settings)]
    sections = [decisive_report(ok, backbone, settings, n_folds=n_folds)
                for backbone in dict.fromkeys(ok["backbone"]) if backbone in PREREGISTERED
                and "miso" in set(ok.loc[ok["backbone"] == backbone, "method"])]
    if not sections:
        return []
    return ["## The decisive test (pre-registered in benchmarks/README.md)\n\nOnly the "
            f"decisive settings ({len(settings)} here); the per-fold sections below pool "
            "every setting of this folder.", *sections]
