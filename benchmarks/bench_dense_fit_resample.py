"""Time and peak memory of ``fit_resample`` on dense rows: MISO next to ADASYN and SMOTE.

Default setting (issue: 5,000 x 384 float32 rows, 5% minority): synthetic
embedding-like data, a 32-d two-class problem (``make_classification``,
``class_sep=0.8``) mapped into 384-d by a random orthonormal projection plus
small isotropic noise, so the rows have the low-rank structure of sentence
embeddings. Every method runs in its own fresh process (so peak memory is its
own) on the same data; the share of difficult minority samples (section 7.1,
k=5) before and after resampling is reported next to the timings, both among
all minority rows and among the original ones (are the original difficult
samples still next to the majority once the new rows are in?).

Run from the repository root::

    python benchmarks/bench_dense_fit_resample.py

Results go to ``benchmarks/results/dense_fit_resample.{md,csv}``.
"""

import argparse
from pathlib import Path

from miso_resample.benchmark.measure import PeakMemory, run_in_fresh_process
from miso_resample.benchmark.report import command_line, write_report
from miso_resample.benchmark.synthetic import make_embedding_like

RESULTS = Path(__file__).resolve().parent / "results"


def build_sampler(method, strategy, seed):
    if method.startswith("MISO"):
        from miso_resample import MISOSampler
        return MISOSampler(sampling_strategy=strategy, random_state=seed, device="cpu",
                           use_mi=method == "MISO")
    from imblearn.over_sampling import ADASYN, SMOTE
    return {"ADASYN": ADASYN, "SMOTE": SMOTE}[method](sampling_strategy=strategy,
                                                       random_state=seed)


def run_one(method, strategy, args, queue):
    import torch

    from miso_resample.difficulty import difficult_share, find_difficult_samples

    torch.set_num_threads(args.threads)
    X, y = make_embedding_like(args.n_samples, args.n_features, args.minority)
    sampler = build_sampler(method, strategy, args.seed)
    with PeakMemory() as mem:
        X_res, y_res = sampler.fit_resample(X, y)
    queue.put({
        "method": method,
        "sampling_strategy": strategy,
        "fit_resample_s": round(mem.seconds, 2),
        "peak_rss_mib": round(mem.peak_mib, 1),
        "peak_increase_mib": (round(mem.increase_mib, 1) if mem.increase_mib is not None
                              else None),
        "n_generated": int(len(y_res) - len(y)),
        "ds_before_pct": round(100 * difficult_share(X, y, minority_class=1), 1),
        "ds_after_pct": round(100 * difficult_share(X_res, y_res, minority_class=1), 1),
        "ds_after_originals_pct": round(100 * find_difficult_samples(
            X_res, y_res, minority_class=1)[:len(y)][y == 1].mean(), 1),
        "dtype_out": str(X_res.dtype),
    })


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=5000)
    parser.add_argument("--n-features", type=int, default=384)
    parser.add_argument("--minority", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--methods", nargs="+",
                        default=["MISO", "MISO (CAG-only)", "ADASYN", "SMOTE"])
    parser.add_argument("--strategies", nargs="+", default=["auto", "0.2"],
                        help="sampling_strategy values ('auto' balances; a float is the "
                             "minority/majority ratio after resampling)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    rows = []
    for strategy in args.strategies:
        strategy = strategy if strategy == "auto" else float(strategy)
        for method in args.methods:
            rows.append(run_in_fresh_process(run_one, method, strategy, args))

    report = write_report(
        args.out, "dense_fit_resample", rows,
        title=f"fit_resample on {args.n_samples} x {args.n_features} float32 rows, "
              f"{args.minority:.0%} minority",
        command=command_line("bench_dense_fit_resample.py", argv), threads=args.threads,
        description="Each method in a fresh process; `peak_rss_mib` is the process's peak "
        "resident memory (Python, torch and the data included), `peak_increase_mib` the peak "
        "reached during `fit_resample` above the resident memory just before it. DS% = share "
        "of difficult minority samples (k=5): before resampling, after it among all minority "
        "rows (original and generated), and after it among the original minority rows only.")
    print(report)


if __name__ == "__main__":
    main()
