"""Seconds per fold of the fine-tuned backbone, with the F1 of each fold.

Runs ``--folds-to-run`` folds of one cell (default: ``finetune`` / ``none`` on
``rotten_tomatoes-rotten-5`` with 800 majority documents, the size of the
earlier fine-tuning runs) in one process, as the benchmark harness runs them.
Run it once on the code before a change and once after (``git worktree``) to
measure the change: the F1 of each fold must match on the fixed seed, up to
float noise.

    python benchmarks/bench_finetune_fold.py --threads 2
"""

import argparse
import time
from pathlib import Path

import numpy as np

from miso_resample.benchmark import evaluate_fold, fold_splits
from miso_resample.benchmark.protocol import SETTINGS, load_setting
from miso_resample.benchmark.report import command_line, write_report

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", default="rotten_tomatoes-rotten-5")
    parser.add_argument("--max-majority", type=int, default=800)
    parser.add_argument("--method", default="none")
    parser.add_argument("--folds-to-run", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--label", default="this code")
    parser.add_argument("--group-by-length", action="store_true",
                        help="TransformerClassifier(group_by_length=True)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for finetune_fold.md/.csv (default: print only)")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    if args.group_by_length:
        _group_by_length()
    texts, y = load_setting(SETTINGS[args.setting], max_majority=args.max_majority)
    X = np.random.RandomState(0).normal(size=(len(y), 8))    # difficulty space: unused here
    rows = []
    for _, fold, train, test in list(fold_splits(y, n_folds=5))[:args.folds_to_run]:
        start = time.perf_counter()
        record = evaluate_fold("finetune", args.method, texts, X, y, train, test,
                               device="cpu", anchors=False)
        rows.append({"code": args.label, "fold": fold, "seconds": round(
            time.perf_counter() - start, 1), "f1": round(record["f1"], 4),
            "train_steps": record.get("train_steps")})
        print(rows[-1], flush=True)
    if args.out is not None:
        write_report(args.out, "finetune_fold", rows, threads=args.threads,
                     title="Seconds per fold of the fine-tuned backbone",
                     command=command_line("bench_finetune_fold.py", argv),
                     description=__doc__.split("\n\n")[1])


def _group_by_length():
    """Every TransformerClassifier the harness builds trains with group_by_length=True."""
    from miso_resample.classifiers import TransformerClassifier

    fit = TransformerClassifier.fit

    def grouped_fit(self, X, y):
        self.group_by_length = True
        return fit(self, X, y)

    TransformerClassifier.fit = grouped_fit


if __name__ == "__main__":
    main()
