"""Scaling of ``MISOSampler.fit_resample``: wall time and peak memory against n.

Runs, in one go, dense mode (384-d rows, the synthetic low-rank data of
``bench_dense_fit_resample.py``) and text mode (real texts of up to 64 tokens:
Rotten Tomatoes reviews and BBC news cut into 50-word chunks) at each size
(default 2,500 / 5,000 / 10,000 / 20,000 rows, 5% minority), each in a fresh
process so its peak memory is its own, and prints the ratio of each size's
time and memory increase to the previous size's. Linear cost gives ratios
near 2.0 for doubling n; the target is 2.3 or less, and under 4 GB for the
20,000-text run.

    python benchmarks/bench_scaling.py
    python benchmarks/bench_scaling.py --sizes 1000 2000 --modes dense   # quick look
"""

import argparse
from pathlib import Path

import numpy as np

from miso_resample.benchmark.measure import PeakMemory, run_in_fresh_process
from miso_resample.benchmark.report import command_line, write_report
from miso_resample.benchmark.synthetic import make_embedding_like

RESULTS = Path(__file__).resolve().parent / "results"


def text_data(n_samples, minority, seed=0):
    """``n_samples`` real texts, ``minority`` of them rotten reviews (label 1)."""
    from miso_resample.datasets import fetch_bbc_news, fetch_rotten_tomatoes

    rt = fetch_rotten_tomatoes()
    names = list(rt.target_names)
    target = np.asarray(rt.target)
    rotten = [t for t, c in zip(rt.data, target) if c == names.index("rotten")]
    others = [t for t, c in zip(rt.data, target) if c != names.index("rotten")]
    for article in fetch_bbc_news().data:
        words = article.split()
        others += [" ".join(words[i:i + 50]) for i in range(0, len(words), 50)]
    n_min = int(round(n_samples * minority))
    rng = np.random.RandomState(seed)
    if n_min > len(rotten) or n_samples - n_min > len(others):
        raise ValueError(f"{n_samples} texts asked; the pool has {len(rotten)} + {len(others)}")
    texts = ([rotten[i] for i in rng.choice(len(rotten), n_min, replace=False)]
             + [others[i] for i in rng.choice(len(others), n_samples - n_min, replace=False)])
    return texts, np.array([1] * n_min + [0] * (n_samples - n_min))


def run_one(mode, n_samples, args, queue):
    import torch

    from miso_resample import MISOSampler

    torch.set_num_threads(args.threads)
    if mode == "dense":
        X, y = make_embedding_like(n_samples, 384, args.minority, random_state=args.seed)
    else:
        X, y = text_data(n_samples, args.minority, seed=args.seed)
    sampler = MISOSampler(random_state=args.seed, device="cpu")
    with PeakMemory() as mem:
        _, y_res = sampler.fit_resample(X, y)
    net = next(iter(sampler.nets_.values()))
    queue.put({"mode": mode, "n": n_samples, "minority": int(y.sum()),
               "anchors": int(len(y_res) - len(y)), "epochs": len(net.history),
               "fit_resample_s": round(mem.seconds, 1), "peak_rss_mib": round(mem.peak_mib),
               "increase_mib": (round(mem.increase_mib) if mem.increase_mib is not None
                                else None)})


def with_ratios(rows):
    """Add the time and memory-increase ratios to the previous size of the same mode."""
    previous = {}
    for row in rows:
        before = previous.get(row["mode"])
        row["time_ratio"] = (round(row["fit_resample_s"] / before["fit_resample_s"], 2)
                             if before else None)
        row["memory_ratio"] = (round(row["increase_mib"] / before["increase_mib"], 2)
                               if before and before["increase_mib"] else None)
        previous[row["mode"]] = row
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[2500, 5000, 10000, 20000])
    parser.add_argument("--modes", nargs="+", choices=["dense", "text"],
                        default=["dense", "text"])
    parser.add_argument("--minority", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", default="scaling")
    args = parser.parse_args(argv)

    rows = []
    for mode in args.modes:
        for n in args.sizes:
            rows = with_ratios(rows + [run_in_fresh_process(run_one, mode, n, args)])
            report = _write(args, argv, rows)     # after every run: partial results survive
    print(report)


def _write(args, argv, rows):
    return write_report(
        args.out, args.name, rows, title="MISOSampler: cost against n",
        command=command_line("bench_scaling.py", argv), threads=args.threads,
        description=(
            "`fit_resample` with default settings (dense: 20 adversarial + 3 + 3 "
            "pre-training epochs; text: 3 + 3 + 3), 5% minority, device cpu, each run in a "
            "fresh process. `increase_mib` = peak RSS during `fit_resample` minus RSS "
            "before it; `peak_rss_mib` = the process's peak (Python, torch and the data "
            "included). Ratios are to the previous size of the same mode (linear: 2.0 per "
            "doubling). An epoch is max(n_minority, n_majority) pairs, so the work per "
            "epoch grows linearly with n; the SFM and the MINE marginals work within "
            "minibatches; the difficult-sample search queries the minority rows against "
            "a `NearestNeighbors` index."))


if __name__ == "__main__":
    main()
