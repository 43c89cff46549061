"""Benchmark statistics against known answers (Demšar 2006, JMLR 7)."""

import math

import numpy as np
import pytest
from scipy import stats

from miso_resample.benchmark.figure import plot_critical_difference  # noqa: E402
from miso_resample.benchmark.stats import (
    _holm,
    _shared_folds,
    average_ranks,
    cell_summary,
    friedman_test,
    mean_confidence_interval,
    nemenyi_critical_difference,
    significance_report,
    wilcoxon_against,
)

pd = pytest.importorskip("pandas")

# Demšar (2006), Table 5(a): Nemenyi q_0.05 for k = 2..10.
DEMSAR_Q05 = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]


def _long(scores, repeats=1, folds=1, backbone="embedding"):
    """Long table from ``{method: array of shape (settings, repeats * folds)}``."""
    rows = []
    for method, values in scores.items():
        values = np.asarray(values, dtype=float).reshape(-1, repeats, folds)
        for s, r, f in np.ndindex(values.shape):
            rows.append({"setting": f"s{s}", "backbone": backbone, "method": method,
                         "repeat": r, "fold": f, "f1": values[s, r, f]})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("k, q", list(zip(range(2, 11), DEMSAR_Q05)))
def test_nemenyi_q_matches_demsar_table(k, q):
    n = 7
    cd = nemenyi_critical_difference(k, n)
    # Demšar's table rounds 2.3437 and 2.9483 down, so allow one unit in the 3rd decimal.
    assert cd * math.sqrt(6 * n / (k * (k + 1))) == pytest.approx(q, abs=1e-3)


def test_nemenyi_worked_example_and_scaling():
    assert round(nemenyi_critical_difference(4, 14), 2) == 1.25
    assert nemenyi_critical_difference(4, 56) == pytest.approx(
        nemenyi_critical_difference(4, 14) / 2)
    assert nemenyi_critical_difference(4, 14, alpha=0.10) < nemenyi_critical_difference(4, 14)
    with pytest.raises(ValueError):
        nemenyi_critical_difference(1, 14)


def test_average_ranks_ties_and_nan_rows():
    table = pd.DataFrame({"A": [90.0, 70.0, np.nan], "B": [80.0, 70.0, 99.0],
                          "C": [80.0, 60.0, 1.0]}, index=["s1", "s2", "s3"])
    ranks = average_ranks(table)
    # s1: 1, 2.5, 2.5; s2: 1.5, 1.5, 3; s3 is dropped (NaN).
    assert list(ranks.index) == ["A", "B", "C"]
    np.testing.assert_allclose(ranks.to_numpy(), [1.25, 2.0, 2.75])


def test_friedman_matches_scipy_and_detects_a_winner():
    table = pd.DataFrame([[80, 75, 78], [60, 65, 61], [70, 72, 69], [55, 50, 58],
                          [90, 88, 91]], columns=["A", "B", "C"], dtype=float)
    expected = stats.friedmanchisquare(*table.to_numpy().T)
    assert friedman_test(table) == pytest.approx((expected.statistic, expected.pvalue))

    winner = pd.DataFrame({"A": np.arange(6) + 10.0, "B": np.arange(6) + 5.0,
                           "C": [3.0, 1, 4, 1, 5, 9]})
    chi2, p = friedman_test(winner)
    assert chi2 == pytest.approx(12.0) and p < 0.05  # 12 N / (k (k+1)) * sum(R^2) - 3 N (k+1)
    assert friedman_test(winner, iman_davenport=True) == (math.inf, 0.0)  # perfect agreement

    chi2, _ = friedman_test(table)
    n, k = table.shape
    f_stat, p_f = friedman_test(table, iman_davenport=True)
    assert f_stat == pytest.approx((n - 1) * chi2 / (n * (k - 1) - chi2))
    assert p_f == pytest.approx(stats.f.sf(f_stat, k - 1, (k - 1) * (n - 1)))
    assert all(math.isnan(v) for v in friedman_test(table[["A", "B"]]))


def test_mean_confidence_interval_hand_computed():
    mean, half = mean_confidence_interval([1, 2, 3, 4])
    assert mean == 2.5
    assert half == pytest.approx(3.182446 * 1.290994 / 2, abs=1e-4)
    assert half == pytest.approx(2.054, abs=1e-3)
    assert mean_confidence_interval([1, np.nan, 2, 3, 4]) == pytest.approx((mean, half))
    mean, half = mean_confidence_interval([7.0, np.nan])
    assert mean == 7.0 and math.isnan(half)
    assert all(math.isnan(v) for v in mean_confidence_interval([np.nan]))


def test_cell_summary_order_counts_and_interval():
    folds = _long({"miso": [[1, 2, 3, 4], [5, 5, 5, np.nan]],
                   "smote": [[0, 0, 0, 0], [1, 1, 1, 1]]}, repeats=2, folds=2)
    folds = pd.concat([folds[folds.setting == "s1"], folds[folds.setting == "s0"]])
    summary = cell_summary(folds.to_dict("records"))
    assert list(zip(summary.setting, summary.method)) == [
        ("s1", "miso"), ("s1", "smote"), ("s0", "miso"), ("s0", "smote")]
    assert list(summary.n) == [3, 4, 4, 4]
    row = summary.iloc[2]
    assert row["mean"] == 2.5
    assert row["ci_high"] - row["mean"] == pytest.approx(2.054, abs=1e-3)
    assert row["half_width"] == pytest.approx(row["mean"] - row["ci_low"])


def test_wilcoxon_reference_always_better():
    ref = np.arange(10, dtype=float) * 3 + 50
    folds = _long({"miso": ref.reshape(5, 2), "smote": (ref - 1 - np.arange(10) / 10)
                   .reshape(5, 2), "copy": ref.reshape(5, 2)}, folds=2)
    result = wilcoxon_against(folds).set_index("method")
    assert list(result.index) == ["smote", "copy"]
    assert result.loc["smote", "n_pairs"] == 10
    assert result.loc["smote", "p_value"] < 0.01
    assert result.loc["smote", "p_value"] == pytest.approx(2 / 2 ** 10)
    assert result.loc["smote", "mean_difference"] == pytest.approx(1.45)
    assert math.isnan(result.loc["copy", "p_value"])
    assert math.isnan(result.loc["copy", "p_holm"])
    assert result.loc["copy", "mean_difference"] == 0


def test_wilcoxon_pairs_by_key_not_row_order():
    rng = np.random.default_rng(0)
    ref = rng.uniform(0, 100, size=(4, 6))
    other = ref - 0.5 + rng.normal(0, 0.2, size=ref.shape)
    folds = _long({"miso": ref, "smote": other}, repeats=2, folds=3)
    shuffled = folds.sample(frac=1, random_state=1).reset_index(drop=True)
    a, b = wilcoxon_against(folds), wilcoxon_against(shuffled)
    pd.testing.assert_frame_equal(a, b)
    diff = (ref - other).ravel()
    expected = stats.wilcoxon(diff, zero_method="zsplit")
    assert b.loc[0, "p_value"] == pytest.approx(expected.pvalue)
    assert b.loc[0, "mean_difference"] == pytest.approx(diff.mean())
    assert b.loc[0, "p_value"] < 0.01


def test_wilcoxon_zero_differences_are_split():
    # 20 pairs with 4 zeros: scipy's normal approximation, where zsplit and wilcox differ.
    ref = np.arange(20, dtype=float)
    other = ref - np.r_[0, 0, 0, 0, np.arange(1, 17) * np.tile([1, 1, 1, -1], 4)]
    folds = _long({"miso": ref.reshape(4, 5), "a": other.reshape(4, 5)}, folds=5)
    expected = stats.wilcoxon(ref - other, zero_method="zsplit")
    dropped = stats.wilcoxon(ref - other, zero_method="wilcox")
    assert expected.pvalue != pytest.approx(dropped.pvalue)
    row = wilcoxon_against(folds).iloc[0]
    assert (row["statistic"], row["p_value"]) == pytest.approx(
        (expected.statistic, expected.pvalue))


def test_wilcoxon_nan_pairs_and_too_few_pairs():
    ref = np.arange(8, dtype=float) + 10
    nan_other = np.zeros(8)
    nan_other[:3] = np.nan
    folds = _long({"miso": ref.reshape(2, 4), "a": nan_other.reshape(2, 4)}, folds=4)
    row = wilcoxon_against(folds).iloc[0]
    assert row["n_pairs"] == 5 and math.isnan(row["p_value"])
    assert row["mean_difference"] == pytest.approx(ref[3:].mean())


def test_holm_adjustment_hand_example():
    np.testing.assert_allclose(_holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    np.testing.assert_allclose(_holm([0.5, np.nan, 0.01]), [0.5, np.nan, 0.02])
    # Reference better on 8, 7 and 6 pairs: exact p = 2/2^n, Holm over 3 methods.
    ref = np.arange(8, dtype=float) + 10
    b, c = np.zeros(8), np.zeros(8)
    b[7], c[6:] = np.nan, np.nan
    folds = _long({"miso": ref.reshape(1, 8), "a": np.zeros((1, 8)), "b": b.reshape(1, 8),
                   "c": c.reshape(1, 8)}, folds=8)
    result = wilcoxon_against(folds)
    np.testing.assert_allclose(result.p_value, [2 / 256, 2 / 128, 2 / 64])
    np.testing.assert_allclose(result.p_holm, [3 * 2 / 256, 2 * 2 / 128, 2 * 2 / 128])


def test_plot_critical_difference_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    ranks = pd.Series({f"method {i}": 1 + i * 0.9 for i in range(12)})
    path = plot_critical_difference(ranks, nemenyi_critical_difference(12, 20),
                                    tmp_path / "cd.png", title="CD")
    data = (tmp_path / "cd.png").read_bytes()
    assert path == tmp_path / "cd.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def _report_table(miso_shift):
    """6 settings x 2 repeats x 5 folds; smote best other, ros and none worse."""
    rng = np.random.default_rng(3)
    base = rng.uniform(40, 80, size=(6, 10))
    signs = np.tile([1.0, -1.0], (6, 5))
    wobble = signs * rng.uniform(0.1, 0.3, size=(6, 1))  # symmetric, zero mean per setting
    return _long({"miso": base + miso_shift + wobble, "smote": base, "ros": base - 2,
                  "none": base - 5}, repeats=2, folds=5)


@pytest.mark.parametrize("shift, verdict", [(4.0, "differs"), (0.0, "does not differ")])
def test_significance_report_verdict(shift, verdict):
    folds = _report_table(shift)
    extra = _long({"miso": [[1.0]], "smote": [[np.nan]], "ros": [[1.0]], "none": [[1.0]]})
    folds = pd.concat([folds, extra.assign(setting="broken")], ignore_index=True)
    report = significance_report(folds, "embedding")
    summary = cell_summary(folds)
    table = summary.pivot(index="setting", columns="method", values="mean")
    _, p = friedman_test(table)
    assert f"p = {p:.4f}" in report
    assert f"CD = {nemenyi_critical_difference(4, 6):.3f}" in report
    assert "Settings used for ranking: 6 of 7" in report
    for method in ("miso", "smote", "ros", "none"):
        assert f"| {method} |" in report
    conclusion = report.split("**Conclusion:**")[1]
    assert f"miso {verdict} significantly from the best other method, smote" in conclusion
    if verdict == "differs":
        assert "does not differ" not in report
        # Ranks 1 and 2 on all 6 settings: gap 1 < CD 1.915, so Nemenyi alone cannot tell.
        assert "Rank gap between miso and smote: 1.000, not more than the CD" in report


def test_shared_folds_keeps_blocks_every_method_ran():
    # s0: miso also ran fold 3 (a cut run); s1: smote's fold 1 failed (NaN)
    rows = ([("s0", "miso", f) for f in range(4)] + [("s0", "smote", f) for f in range(3)]
            + [("s1", "miso", 0), ("s1", "miso", 1), ("s1", "smote", 0), ("s1", "smote", 1)])
    folds = pd.DataFrame(rows, columns=["setting", "method", "fold"]).assign(
        backbone="embedding", repeat=0, f1=[1.0] * 10 + [np.nan])
    kept = _shared_folds(folds.iloc[::-1])
    assert sorted(set(zip(kept["setting"], kept["fold"]))) == [
        ("s0", 0), ("s0", 1), ("s0", 2), ("s1", 0)]
    assert len(kept) == 8 and list(kept.index) == list(range(8))


def test_significance_report_ranks_on_shared_folds():
    # smote beats miso on the folds both ran; miso's extra fold would flip the mean
    folds = _report_table(0.0)
    folds.loc[folds["method"] == "smote", "f1"] += 1.0
    extra = _long({"miso": [[500.0]]}).assign(repeat=9)
    report = significance_report(pd.concat([folds, extra], ignore_index=True), "embedding")
    ranks = report.split("| method | average rank |")[1].split("Friedman")[0]
    assert ranks.index("| smote | 1.00 |") < ranks.index("| miso | 2.00 |")
    assert "Settings used for ranking: 6 of 6" in report


def test_significance_report_needs_reference():
    folds = _report_table(1.0)
    with pytest.raises(ValueError):
        significance_report(folds, "embedding", reference="absent")
    with pytest.raises(ValueError):
        significance_report(folds, "no-such-backbone")


def test_ablation_table_against_miso_on_paired_folds():
    from miso_resample.benchmark.tables import ablation_table

    miso = np.arange(8.0).reshape(2, 4) * 10
    folds = _long({"miso": miso, "miso-residual": miso - 2, "ros": miso + 5,
                   "miso+threshold": miso + np.array([1, -1, 1, -1])},
                  repeats=1, folds=4)
    folds["anchor_shrinkage"] = np.where(folds["method"] == "miso-residual", 130.0, 100.0)
    table = ablation_table(folds, "embedding")
    lines = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in
             table.splitlines()[2:]}
    assert list(lines) == ["miso", "miso-residual", "miso+threshold"]   # no peer rows
    residual = lines["miso-residual"]
    assert residual[1:3] == ["8", "-2.00"]
    # 8 pairs, all of one sign: exact two-sided p = 2 / 2**8; Holm over 2 methods x 2
    assert float(residual[3]) == pytest.approx(2 * 2 / 2 ** 8, abs=5e-5)
    assert residual[4].strip(" |") == "130.0"
    assert lines["miso+threshold"][2] == "+0.00"
    assert ablation_table(folds[folds["method"] != "miso-residual"]
                          .query("method != 'miso+threshold'"), "embedding") == ""
