"""The ``miso-resample`` command: ``benchmark`` (the main job), ``merge`` (a side
folder's folds into a benchmark folder) and ``resample``."""

import argparse
import sys
from pathlib import Path

from .utils.optional import require

__all__ = ["main"]

QUICK = dict(settings=["rotten_tomatoes-rotten-5", "rotten_tomatoes-rotten-1"],
             methods=["none", "ros", "smote", "balanced", "threshold", "miso"],
             folds=3, repeats=2, max_majority=1000)
DEFAULT_METHODS = ["none", "ros", "smote", "adasyn", "balanced", "threshold", "cag", "miso",
                   "miso+threshold"]


class UsageError(Exception):
    """A problem with the user's input, reported as one line."""


def _benchmark(args):
    from .benchmark import run_benchmark
    from .benchmark.protocol import expand_settings
    from .benchmark.tables import means_table, summarize

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    quick = QUICK if args.quick else {}
    if args.render_only:
        return _render_only(args, quick)
    settings = expand_settings(args.settings or quick.get("settings",
                                                          ["rotten_tomatoes-rotten-5"]))
    methods = args.methods or quick.get("methods", DEFAULT_METHODS)
    command = "miso-resample " + " ".join(sys.argv[1:])
    try:
        folds = run_benchmark(
            settings, methods, backbones=args.backbones,
            n_folds=args.folds or quick.get("folds", 5),
            repeats=args.repeats or quick.get("repeats", 1),
            max_majority=args.max_majority or quick.get("max_majority"),
            random_state=args.seed, device=args.device, k_neighbors=args.k_neighbors,
            out=args.out, command=command, verbose=0 if args.quiet else 1,
            figure=not args.no_figure, skip=args.skip or ())
    except (ValueError, OSError, ImportError) as exc:
        raise UsageError(str(exc)) from exc
    summary = summarize(folds)
    for backbone in dict.fromkeys(summary["backbone"]):
        print(f"\nMinority F1, backbone {backbone} (mean ± 95% CI):\n")
        print(means_table(summary, backbone))
    if args.out:
        print(f"\nResults written to {Path(args.out) / 'results.md'} (and results.csv, "
              "folds.csv)")


def _render_only(args, quick):
    """``benchmark --render-only``: results.md and results.csv from the folder's folds."""
    import pandas as pd

    from .benchmark.runner import write_results

    out = Path(args.out)
    if not (out / "folds.csv").is_file():
        raise UsageError(f"--render-only needs the folds of an earlier run: no "
                         f"{out / 'folds.csv'}.")
    folds = pd.read_csv(out / "folds.csv")
    seconds = float(folds["seconds"].sum()) if "seconds" in folds else 0.0
    write_results(out, "", args.folds or quick.get("folds", 5),
                  args.repeats or quick.get("repeats", 1), args.seed, seconds, figure=False)
    print(f"{out / 'results.md'} rewritten from {len(folds)} folds (no fold was run).")


def _merge(args):
    from .benchmark.merge import merge_folds

    try:
        counts = merge_folds(args.into, args.source, settings=args.settings,
                             tolerance=args.tolerance)
    except (ValueError, OSError) as exc:
        raise UsageError(str(exc)) from exc
    print(f"{counts['added']} folds added to {Path(args.into) / 'folds.csv'} "
          f"({counts['agreed']} already there, with the same scores; {counts['total']} in "
          "all). Run the folder's benchmark command with --render-only to rewrite "
          "results.md.")


def _read_table(path):
    pd = require("pandas", "pandas", "miso-resample resample")

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"input file not found: {path}")
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path)


def _resample(args):
    import numpy as np

    from ._sampler import MISOSampler

    pd = require("pandas", "pandas", "miso-resample resample")

    frame = _read_table(args.input)
    missing = [c for c in [args.label_column, args.text_column] + (args.feature_columns or [])
               if c is not None and c not in frame.columns]
    if missing:
        raise UsageError(f"column(s) {missing} not in {args.input}; it has "
                         f"{list(frame.columns)}")
    y = frame[args.label_column]
    if y.nunique(dropna=True) < 2:
        raise UsageError(f"label column {args.label_column!r} has a single class: "
                         "nothing to balance")
    if args.text_column:
        X = frame[args.text_column]
    else:
        columns = args.feature_columns or [c for c in frame.columns
                                           if c != args.label_column
                                           and pd.api.types.is_numeric_dtype(frame[c])]
        if not columns:
            raise UsageError("no numeric feature columns: pass --text-column or "
                             "--feature-columns")
        X = frame[columns]
    strategy = args.sampling_strategy
    try:
        strategy = float(strategy)
    except ValueError:
        pass
    sampler = MISOSampler(sampling_strategy=strategy, random_state=args.random_state,
                          device=args.device, verbose=0 if args.quiet else 1)
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    except (ValueError, TypeError, ImportError) as exc:
        raise UsageError(str(exc).splitlines()[0]) from exc
    out = (X_res.to_frame() if isinstance(X_res, pd.Series) else X_res).reset_index(drop=True)
    out[args.label_column] = np.asarray(y_res)
    out["is_anchor"] = np.arange(len(out)) >= len(frame)
    source = np.full(len(out), -1)
    source[len(frame):] = sampler.anchor_sources_
    out["anchor_source"] = source
    output = Path(args.output)
    if output.suffix.lower() in (".parquet", ".pq"):
        out.to_parquet(output, index=False)
    else:
        out.to_csv(output, index=False)
    print(f"{len(frame)} rows in, {len(out) - len(frame)} anchors generated, "
          f"{len(out)} rows written to {output}")


def _add_merge_parser(sub):
    merge = sub.add_parser("merge", help="merge a side folder's benchmark folds into another")
    merge.add_argument("source", help="the side benchmark folder (read only)")
    merge.add_argument("--into", required=True, help="the main benchmark folder")
    merge.add_argument("--settings", nargs="+", metavar="SETTING",
                       help="merge only these settings' folds (default: all)")
    merge.add_argument("--tolerance", type=float, default=1e-6,
                       help="largest score difference allowed for a fold in both folders")
    merge.set_defaults(run=_merge)


def _add_benchmark_parser(sub):
    bench = sub.add_parser("benchmark", help="the paper's protocol, side by side (main job)")
    bench.add_argument("--settings", nargs="+", metavar="SETTING",
                       help="e.g. rotten_tomatoes-rotten-5 bbc_news-tech-1 "
                            "spam_assassin-natural, or a group: decisive (nine settings of "
                            "80+ minority documents), small, or longtail (BBC News' five "
                            "topics with a head 10x the tail; no tuned threshold) "
                            "(default: rotten_tomatoes-rotten-5)")
    bench.add_argument("--methods", nargs="+", metavar="METHOD",
                       help="none ros smote adasyn balanced threshold cag miso miso+threshold "
                            "and the MISO ablations miso-residual miso-nearest ...; text "
                            "backbones also focal dice crt tau_norm eda miso-random-target "
                            "miso-lm (the lm extra); "
                            "neural ones logit-adjust miso-fixed-epochs; finetune tmix")
    bench.add_argument("--backbones", nargs="+", default=["embedding"],
                       help="embedding embedding-mlp textcnn textrnn finetune "
                            "(default: embedding)")
    bench.add_argument("--folds", type=int, help="stratified CV folds (default 5)")
    bench.add_argument("--repeats", type=int,
                       help="repeats of the k-fold CV, seed + r for repeat r (default 1)")
    bench.add_argument("--k-neighbors", type=int, default=5,
                       help="neighbours for difficult samples, MISO, SMOTE and ADASYN")
    bench.add_argument("--skip", nargs="+", metavar="BACKBONE/METHOD",
                       help="cells to leave out, e.g. textcnn/miso+threshold")
    bench.add_argument("--max-majority", type=int,
                       help="cap on majority documents (default: each setting's own, "
                            "2000 in the decisive group, 3000 in the small one)")
    bench.add_argument("--quick", action="store_true",
                       help="two small settings, 3 folds x 2 repeats: a few minutes, "
                            "statistics included")
    bench.add_argument("--seed", type=int, default=0)
    bench.add_argument("--threads", type=int,
                       help="torch threads (default: torch's own, one per core)")
    bench.add_argument("--device", default="auto")
    bench.add_argument("--out", default="miso-benchmark-results",
                       help="output folder for results.md, results.csv and folds.csv; a "
                            "rerun with the same folder resumes")
    bench.add_argument("--quiet", action="store_true", help="no progress bars")
    bench.add_argument("--no-figure", action="store_true",
                       help="skip the Figure-1 style PNG of the first setting")
    bench.add_argument("--render-only", action="store_true",
                       help="run nothing: rewrite results.md and results.csv from the "
                            "folds in --out (after merge, or while a run goes on)")
    bench.set_defaults(run=_benchmark)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="miso-resample",
        description="MISO over-sampling (Tian et al., EMNLP 2021) for imbalanced text.")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_benchmark_parser(sub)
    _add_merge_parser(sub)

    res = sub.add_parser("resample", help="resample a CSV or Parquet file with MISO")
    res.add_argument("--input", required=True)
    res.add_argument("--output", required=True)
    res.add_argument("--label-column", required=True)
    res.add_argument("--text-column", help="text mode: the column of texts")
    res.add_argument("--feature-columns", nargs="+",
                     help="dense mode: feature columns (default: every numeric column)")
    res.add_argument("--sampling-strategy", default="auto")
    res.add_argument("--random-state", type=int, default=0)
    res.add_argument("--device", default="auto")
    res.add_argument("--quiet", action="store_true")
    res.set_defaults(run=_resample)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except UsageError as exc:
        print(f"miso-resample: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
