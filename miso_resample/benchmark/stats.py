"""Do benchmark methods differ? Ranks, Friedman, Nemenyi, Wilcoxon-Holm (Demšar 2006).

J. Demšar, "Statistical Comparisons of Classifiers over Multiple Data Sets",
JMLR 7 (2006) 1-30. The functions take either a settings x methods table of
mean scores (higher is better) or the harness's "long" per-fold table: a pandas
DataFrame (or a list of dicts) with columns ``setting``, ``backbone``,
``method``, ``repeat``, ``fold`` and one or more score columns such as ``f1``
(in %, NaN for failed cells). A missing ``backbone`` column is read as
``"embedding"`` and a missing ``repeat`` column as a single repeat ``0``.
"""

import math

import numpy as np
from scipy import stats

__all__ = ["mean_confidence_interval", "cell_summary", "average_ranks", "friedman_test",
           "nemenyi_critical_difference", "wilcoxon_against", "significance_report"]

_KEYS = ["setting", "backbone", "method", "repeat", "fold"]
_MIN_PAIRS = 6


def _as_frame(folds, score):
    """Long table as a DataFrame with every key column and ``score`` (float)."""
    import pandas as pd

    df = pd.DataFrame(folds).copy()
    for column, default in (("backbone", "embedding"), ("repeat", 0)):
        if column not in df.columns:
            df[column] = default
    missing = [c for c in _KEYS + [score] if c not in df.columns]
    if missing:
        raise ValueError(f"The per-fold table lacks the columns {missing}; it has "
                         f"{list(df.columns)}.")
    df[score] = pd.to_numeric(df[score], errors="coerce").astype(float)
    return df


def mean_confidence_interval(values, confidence=0.95):
    """Mean and Student-t confidence half-width of the finite values.

    Parameters
    ----------
    values : array-like
        Scores; NaN and infinite values are ignored.
    confidence : float, default=0.95
        Two-sided coverage of the interval, in (0, 1).

    Returns
    -------
    mean : float
        Mean of the finite values (NaN when there are none).
    half_width : float
        ``t_{(1+confidence)/2, n-1} * s / sqrt(n)`` with ``s`` the sample standard
        deviation (``ddof=1``); NaN with fewer than 2 finite values.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}.")
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    mean = float(x.mean()) if x.size else float("nan")
    if x.size < 2:
        return mean, float("nan")
    t = stats.t.ppf((1 + confidence) / 2, x.size - 1)
    return mean, float(t * x.std(ddof=1) / math.sqrt(x.size))


def cell_summary(folds, score="f1", confidence=0.95):
    """Mean score and t confidence interval of every (setting, backbone, method) cell.

    Parameters
    ----------
    folds : pandas.DataFrame or list of dict
        Long per-fold table (see the module docstring).
    score : str, default="f1"
        Score column to summarise.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``setting``, ``backbone``, ``method``, ``n`` (finite folds x
        repeats used), ``mean``, ``ci_low``, ``ci_high``, ``half_width``; rows
        ordered by first appearance of the setting, then backbone, then method.
    """
    import pandas as pd

    df = _as_frame(folds, score)
    cells = ["setting", "backbone", "method"]
    df = df.iloc[np.lexsort([pd.factorize(df[c])[0] for c in reversed(cells)])]
    rows = []
    for key, group in df.groupby(cells, sort=False, dropna=False):
        values = group[score].to_numpy()
        mean, half = mean_confidence_interval(values, confidence)
        rows.append([*key, int(np.isfinite(values).sum()), mean, mean - half, mean + half,
                     half])
    return pd.DataFrame(rows, columns=cells + ["n", "mean", "ci_low", "ci_high",
                                               "half_width"])


def _complete(scores):
    """Settings x methods DataFrame without the rows that contain a NaN."""
    import pandas as pd

    frame = pd.DataFrame(scores).astype(float)
    return frame[np.isfinite(frame.to_numpy()).all(axis=1)]


def _shared_folds(folds, score="f1"):
    """The rows of the (setting, repeat, fold) blocks where every method of the setting
    has a finite ``score``: a cell cut mid-run, or kept from a run with more repeats,
    is then compared with its peers on the same folds."""
    df = _as_frame(folds, score)
    block = ["setting", "backbone", "repeat", "fold"]
    finite = df[np.isfinite(df[score])]
    n_methods = df.groupby(["setting", "backbone"])["method"].nunique().rename("k")
    counts = finite.groupby(block)["method"].nunique().rename("n").reset_index()
    counts = counts.merge(n_methods.reset_index(), on=["setting", "backbone"])
    complete = counts.loc[counts["n"] == counts["k"], block]
    return df.merge(complete, on=block, how="inner").reset_index(drop=True)


def average_ranks(scores):
    """Average rank of each method over settings (rank 1 = best score).

    Settings (rows) with a NaN in any column are dropped before ranking, so every
    method is ranked on the same settings. Ties get the average of the ranks they
    span, as :func:`scipy.stats.rankdata` does (e.g. 1.5 and 1.5).

    Parameters
    ----------
    scores : pandas.DataFrame
        Settings (rows) x methods (columns) of mean scores, higher is better.

    Returns
    -------
    pandas.Series
        Average rank per method, in column order (all NaN when no row is complete).
    """
    import pandas as pd

    frame = _complete(scores)
    if frame.empty:
        return pd.Series(np.nan, index=frame.columns, name="average_rank")
    ranks = stats.rankdata(-frame.to_numpy(), axis=1)
    return pd.Series(ranks.mean(axis=0), index=frame.columns, name="average_rank")


def friedman_test(scores, iman_davenport=False):
    """Friedman test that all methods perform alike over the settings.

    Rows with a NaN are dropped first, as in :func:`average_ranks`.

    Parameters
    ----------
    scores : pandas.DataFrame or array-like
        Settings (rows) x methods (columns) of mean scores.
    iman_davenport : bool, default=False
        Return the Iman-Davenport statistic ``F = (N-1) chi2 / (N(k-1) - chi2)``
        and its p under F(k-1, (k-1)(N-1)) instead of the chi-square ones.

    Returns
    -------
    statistic : float
        Friedman chi-square (:func:`scipy.stats.friedmanchisquare`, tie-corrected)
        or the Iman-Davenport F.
    p_value : float
        NaN with fewer than 3 methods or 2 complete settings, or when every row
        is one big tie.
    """
    values = _complete(np.asarray(scores, dtype=float)).to_numpy()
    n, k = values.shape
    if k < 3 or n < 2:
        return float("nan"), float("nan")
    with np.errstate(all="ignore"):
        chi2, p = map(float, stats.friedmanchisquare(*values.T))
    if not np.isfinite(chi2):  # every setting is one big tie
        return float("nan"), float("nan")
    if not iman_davenport:
        return chi2, p
    denominator = n * (k - 1) - chi2
    if denominator <= 0:  # every setting ranks the methods identically
        return float("inf"), 0.0
    f_stat = (n - 1) * chi2 / denominator
    return float(f_stat), float(stats.f.sf(f_stat, k - 1, (k - 1) * (n - 1)))


def nemenyi_critical_difference(n_methods, n_settings, alpha=0.05):
    """Nemenyi critical difference of average ranks (Demšar 2006, Section 3.2.2).

    Parameters
    ----------
    n_methods : int
        Number of methods compared, ``k >= 2``.
    n_settings : int
        Number of settings (data sets) ranked, ``N >= 1``.
    alpha : float, default=0.05
        Family-wise significance level.

    Returns
    -------
    float
        ``CD = q_alpha * sqrt(k (k+1) / (6 N))`` with ``q_alpha`` the studentized
        range quantile ``ppf(1 - alpha, k, inf) / sqrt(2)``, e.g. 2.569 for k=4.
    """
    k, n = int(n_methods), int(n_settings)
    if k < 2 or n < 1:
        raise ValueError(f"Need at least 2 methods and 1 setting, got k={k}, N={n}.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}.")
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q * math.sqrt(k * (k + 1) / (6 * n)))


def _holm(p_values):
    """Holm-Bonferroni adjusted p-values; NaN entries stay NaN and are not counted."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(np.isfinite(p))
    order = idx[np.argsort(p[idx], kind="stable")]
    adjusted = np.minimum(1.0, (len(order) - np.arange(len(order))) * p[order])
    out[order] = np.maximum.accumulate(adjusted)
    return out


def wilcoxon_against(folds, reference="miso", score="f1", backbone=None):
    """Two-sided Wilcoxon signed-rank test of ``reference`` against every other method.

    Scores are paired on (setting, backbone, repeat, fold), whatever the row
    order; pairs with a NaN on either side are dropped. Zero differences are kept
    and their ranks split between the two sums (``zero_method="zsplit"``, as
    Demšar recommends). The p-value comes from scipy's ``method="auto"``: exact
    for small samples without zeros or ties, else (depending on the scipy
    version and the number of pairs) a permutation test or the normal
    approximation.

    Parameters
    ----------
    folds : pandas.DataFrame or list of dict
        Long per-fold table (see the module docstring).
    reference : str, default="miso"
        Method every other method is compared with.
    score : str, default="f1"
        Score column.
    backbone : str or None, default=None
        Only rows of this backbone; None pools the backbones (pairs still match
        within a backbone).

    Returns
    -------
    pandas.DataFrame
        One row per other method: ``method``, ``n_pairs``, ``mean_difference``
        (reference minus other, points), ``statistic``, ``p_value`` (NaN with fewer
        than 6 pairs or all differences zero) and ``p_holm`` (Holm-Bonferroni over
        the methods with a finite p).
    """
    import pandas as pd

    df = _as_frame(folds, score)
    if backbone is not None:
        df = df[df["backbone"] == backbone]
    index = ["setting", "backbone", "repeat", "fold"]
    if df.duplicated(index + ["method"]).any():
        raise ValueError("Some rows repeat a (setting, backbone, method, repeat, fold) "
                         "key; cannot pair the scores.")
    methods = list(pd.unique(df["method"]))
    if reference not in methods:
        raise ValueError(f"Reference method {reference!r} not among {methods}.")
    wide = df.pivot(index=index, columns="method", values=score)
    rows = []
    for method in (m for m in methods if m != reference):
        pair = wide[[reference, method]].dropna()
        diff = (pair[reference] - pair[method]).to_numpy()
        stat = p = float("nan")
        if len(diff) >= _MIN_PAIRS and np.any(diff != 0):
            result = stats.wilcoxon(diff, zero_method="zsplit", alternative="two-sided")
            stat, p = float(result.statistic), float(result.pvalue)
        mean = float(diff.mean()) if len(diff) else float("nan")
        rows.append([method, len(diff), mean, stat, p])
    out = pd.DataFrame(rows, columns=["method", "n_pairs", "mean_difference", "statistic",
                                      "p_value"])
    out["p_holm"] = _holm(out["p_value"].to_numpy())
    return out


def _p(p):
    """p-value for a report: ``n/a``, scientific below 1e-4, else 4 decimals."""
    if np.isnan(p):
        return "n/a"
    return f"{p:.1e}" if p < 1e-4 else f"{p:.4f}"


def _num(x, spec=".3f"):
    """A number for a report, ``n/a`` when it is NaN."""
    return "n/a" if np.isnan(x) else format(x, spec)


def _rank_lines(table, used, reference, best, score, alpha):
    """Report lines: average-rank table, Friedman test and Nemenyi CD."""
    n, k = len(used), table.shape[1]
    ranks, means = average_ranks(table), (used if n else table).mean()
    chi2, p_f = friedman_test(table)
    f_id, p_id = friedman_test(table, iman_davenport=True)
    lines = [f"| method | average rank | mean {score} |", "|---|---:|---:|"]
    for m in ranks.sort_values(kind="stable").index:
        lines.append(f"| {m} | {_num(ranks[m], '.2f')} | {_num(means[m], '.2f')} |")
    lines += ["", f"Friedman test (k = {k}, N = {n}): chi² = {_num(chi2)}, p = {_p(p_f)}; "
              f"Iman-Davenport F = {_num(f_id)}, p = {_p(p_id)}.", ""]
    if not n:
        return lines + ["Nemenyi critical difference: n/a (no complete setting)."]
    cd = nemenyi_critical_difference(k, n, alpha)
    gap = abs(ranks[reference] - ranks[best])
    return lines + [f"Nemenyi critical difference (alpha = {alpha}): CD = {cd:.3f}. Rank gap "
                    f"between {reference} and {best}: {gap:.3f}, "
                    f"{'more' if gap > cd else 'not more'} than the CD."]


def _wilcoxon_lines(wil, reference, best, alpha):
    """Report lines: Wilcoxon table and the one-sentence conclusion."""
    lines = [f"Wilcoxon signed-rank tests, {reference} minus each method, paired on "
             "(setting, repeat, fold), zero differences split, Holm-adjusted:", "",
             "| method | pairs | mean difference | W | p | Holm p |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in wil.itertuples():
        lines.append(f"| {r.method} | {r.n_pairs} | {_num(r.mean_difference, '+.2f')} | "
                     f"{_num(r.statistic, '.1f')} | {_p(r.p_value)} | {_p(r.p_holm)} |")
    row = wil.set_index("method").loc[best]
    p = row["p_holm"]
    if not np.isfinite(p):
        why = (f"the Wilcoxon test could not be computed ({int(row['n_pairs'])} pairs; at "
               f"least {_MIN_PAIRS} with a non-zero difference are needed)")
    else:
        why = (f"mean difference {row['mean_difference']:+.2f} points, Holm-adjusted "
               f"Wilcoxon p = {_p(p)}, alpha = {alpha}")
    verdict = "differs" if p < alpha else "does not differ"
    return lines + ["", f"**Conclusion:** {reference} {verdict} significantly from the best "
                    f"other method, {best} ({why})."]


def _mean_table(df, score):
    """Settings x methods table of mean scores, in order of first appearance."""
    summary = cell_summary(df, score)
    table = summary.pivot(index="setting", columns="method", values="mean")
    return table.loc[summary["setting"].unique(), summary["method"].unique()]


def significance_report(folds, backbone, reference="miso", score="f1", alpha=0.05):
    """Markdown section: do the methods of one backbone differ, and does the reference?

    Ranks, Friedman and Nemenyi use the settings where every method of the
    backbone has a finite score on shared folds, and each method's mean over
    those folds only. The best other method has the highest mean score over
    those settings (over all its finite folds if no setting is complete). The
    Wilcoxon tests use every finite pair (see :func:`wilcoxon_against`).

    Parameters
    ----------
    folds : pandas.DataFrame or list of dict
        Long per-fold table (see the module docstring).
    backbone : str
        Backbone to report on.
    reference : str, default="miso"
        Method of interest.
    score : str, default="f1"
        Score column (higher is better).
    alpha : float, default=0.05
        Level of the Nemenyi CD and of the conclusion (on the Holm-adjusted p).

    Returns
    -------
    str
        Markdown: average-rank table, Friedman test, Nemenyi CD, Wilcoxon table
        and a one-sentence conclusion.
    """
    df = _as_frame(folds, score)
    df = df[df["backbone"] == backbone]
    full = _mean_table(df, score)
    if reference not in full.columns or full.shape[1] < 2:
        raise ValueError(f"Backbone {backbone!r} needs {reference!r} and another method; "
                         f"it has {list(full.columns)}.")
    table = _mean_table(_shared_folds(df, score), score).reindex(
        index=full.index, columns=full.columns)
    used = _complete(table)
    others = (used if len(used) else full).mean().drop(reference)
    if not np.isfinite(others).any():
        raise ValueError(f"No method other than {reference!r} has a finite {score!r}.")
    best = others.idxmax()
    wil = wilcoxon_against(df, reference, score, backbone=backbone)
    lines = [f"### Significance: backbone `{backbone}`, score `{score}`", "",
             f"Settings used for ranking: {len(used)} of {len(table)} (those where all "
             f"{table.shape[1]} methods have a finite score on the same folds; each "
             "method's mean there is over those shared folds only).", ""]
    lines += _rank_lines(table, used, reference, best, score, alpha)
    lines += [""] + _wilcoxon_lines(wil, reference, best, alpha) + [""]
    return "\n".join(lines)
