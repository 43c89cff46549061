"""The README's headline table, from committed ``miso-resample benchmark`` results.

Reads each run folder's ``results.csv`` (one row per setting x backbone x method:
the mean minority F1 over all folds and repeats and the half-width of its 95%
Student-t interval) and writes, per backbone, one row per method:

- the mean over settings of the per-setting mean minority F1, with a 95%
  interval ``1.96 * sqrt(sum(se_i ** 2)) / n_settings`` built from the
  per-setting standard errors ``se_i`` (each recovered from its cell's Student-t
  half-width; settings are independent data);
- the average rank over settings (1 = best), as in the critical-difference
  figure of each run;
- the number of settings and of folds behind each mean.

Nothing is re-run: every number comes from the committed files. Run from the
repository root::

    python benchmarks/headline.py benchmarks/results/protocol-v2/embedding \\
        benchmarks/results/protocol-v2/finetune

Result: ``benchmarks/results/protocol-v2/headline.md``.
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from miso_resample.benchmark.report import command_line, markdown_table
from miso_resample.benchmark.stats import average_ranks


def headline_rows(summary):
    """Rows of the headline table for one backbone's cells (``results.csv`` rows)."""
    means = summary.pivot(index="setting", columns="method", values="f1").dropna()
    halves = summary.pivot(index="setting", columns="method", values="f1_ci")
    halves = halves.loc[means.index, means.columns]
    folds = summary.pivot(index="setting", columns="method", values="n")
    ranks = average_ranks(means)
    rows = []
    for method in ranks.sort_values().index:
        n = folds.loc[means.index, method].to_numpy()
        se = halves[method].to_numpy() / stats.t.ppf(0.975, n - 1)   # the cell's t interval
        half = 1.96 * np.sqrt(np.nansum(se ** 2)) / len(means)
        rows.append({"method": method, "mean minority F1": f"{means[method].mean():.1f} "
                     f"±{half:.1f}", "average rank": f"{ranks[method]:.2f}",
                     "settings": len(means),
                     "folds": int(folds.loc[means.index, method].sum())})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="folders with results.csv")
    parser.add_argument("--out", type=Path,
                        default=Path("benchmarks/results/protocol-v2/headline.md"))
    args = parser.parse_args()
    parts = ["# Headline: mean minority F1 over settings, per backbone",
             f"Command: `{command_line('headline.py')}`",
             "Mean over settings of each setting's mean minority F1 (in %), ± a 95% "
             "interval from the per-setting standard errors; average rank over the "
             "settings where every method listed has a result (1 = best). MISO's "
             "ablations are left out; they are in each run's results.md."]
    for run in args.runs:
        summary = pd.read_csv(run / "results.csv")
        summary = summary[~summary["method"].str.startswith("miso-")]
        for backbone, part in summary.groupby("backbone", sort=False):
            parts += [f"## `{backbone}` ({run.as_posix()})",
                      markdown_table(headline_rows(part))]
    args.out.write_text("\n\n".join(parts) + "\n")
    print(args.out.read_text())


if __name__ == "__main__":
    main()
