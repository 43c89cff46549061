"""Run every (setting, backbone, method) cell, fold by fold, and write the results.

``run_benchmark`` appends each fold's record to ``folds.csv`` as soon as it is
done, rewrites ``results.md`` / ``results.csv`` and the figures after every
cell, and resumes: a rerun with the same ``out`` skips the folds already in
``folds.csv`` (failed folds are tried again). Sentence embeddings are computed
once per setting and cached under ``out/cache``.
"""

import hashlib
import time
from pathlib import Path

import numpy as np

from .decisive import decisive_sections
from .methods import BACKBONES, METHODS
from .protocol import SETTINGS, expand_settings, fold_splits, load_setting, minority_class
from .report import environment_line, markdown_table
from .tables import (
    ablation_table,
    anchor_table,
    difficulty_table,
    gap_table,
    is_miso_variant,
    long_tail_tables,
    means_table,
    summarize,
)

__all__ = ["run_benchmark", "check_names", "write_results"]

_KEY = ["setting", "backbone", "method", "repeat", "fold"]


def check_names(settings, methods, backbones, skip=()):
    """Raise a ``ValueError`` listing unknown settings, methods, backbones or skips."""
    known_methods = {m for b in BACKBONES for m in METHODS[b]}
    unknown = ([s for s in settings if s not in SETTINGS]
               + [m for m in methods if m not in known_methods]
               + [b for b in backbones if b not in BACKBONES]
               + [c for c in skip if c.count("/") != 1 or c.split("/")[0] not in BACKBONES])
    if unknown:
        raise ValueError(
            f"Unknown settings, methods or backbones: {unknown}. Settings: {sorted(SETTINGS)};"
            f" methods: {sorted(known_methods)}; backbones: {list(BACKBONES)}; skips are "
            "written backbone/method.")


def _embed(name, texts, embedder, cache):
    """Sentence embeddings of a setting's texts, cached by a hash of the texts."""
    digest = hashlib.sha1("\x1f".join(texts).encode()).hexdigest()[:12]
    path = None if cache is None else Path(cache) / f"{name}-{digest}.npy"
    if path is not None and path.is_file():
        return np.load(path)
    X = embedder().transform(texts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, X)
    return X


def _done(out):
    """Per-fold records already written under ``out`` (failed folds dropped)."""
    import pandas as pd

    path = None if out is None else Path(out) / "folds.csv"
    if path is None or not path.is_file():
        return pd.DataFrame(columns=_KEY)
    folds = pd.read_csv(path)
    if "error" in folds:
        folds = folds[folds["error"].isna()]
    return folds


def _append(out, record):
    """Append one fold's record to ``out/folds.csv`` (header rewritten if columns grow)."""
    import pandas as pd

    path = Path(out) / "folds.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = pd.read_csv(path) if path.is_file() else pd.DataFrame()
    pd.concat([old, pd.DataFrame([record])], ignore_index=True).to_csv(path, index=False)


def _logged_commands(out):
    """The commands in ``out/commands.txt``, in order (none before the first run)."""
    path = Path(out) / "commands.txt"
    return path.read_text().splitlines() if path.is_file() else []


def _log_command(out, command):
    """Add ``command`` to ``out/commands.txt`` (once): a folder resumed by several
    commands lists them all in ``results.md``."""
    logged = _logged_commands(out)
    if command and command not in logged:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "commands.txt").write_text("".join(f"{c}\n" for c in [*logged, command]))


def _command_lines(out, command):
    """The ``Command:`` paragraph of ``results.md``: every command logged for ``out``."""
    commands = list(dict.fromkeys(c for c in [*_logged_commands(out), command] if c))
    if len(commands) <= 1:
        return f"Command: `{commands[0] if commands else ''}`"
    return ("Commands (in order; each added its folds to this folder, and a rerun of any "
            "of them resumes it):\n\n" + "\n".join(f"- `{c}`" for c in commands))


def _cells(backbones, methods, skip, multiclass=False):
    """The (backbone, method) cells to run; a multi-class setting has no tuned threshold."""
    return [(b, m) for b in backbones for m in methods
            if m in METHODS[b] and f"{b}/{m}" not in skip
            and not (multiclass and METHODS[b][m].threshold)]


def _run_cell(setting, backbone, method, texts, X, y, folds, done, options, progress):
    """Evaluate the folds of one cell that are not done yet; return their records."""
    from .evaluate import evaluate_fold

    records = []
    for repeat, fold, train, test in folds:
        if (setting, backbone, method, repeat, fold) in done:
            progress.update(1)
            continue
        start = time.perf_counter()
        try:
            record = evaluate_fold(backbone, method, texts, X, y, train, test,
                                   random_state=options["random_state"] + repeat,
                                   device=options["device"],
                                   k_neighbors=options["k_neighbors"])
        except (ValueError, RuntimeError, FloatingPointError) as exc:
            # one failing fold must not lose a run of hours: record it, go on
            record = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                      "seconds": time.perf_counter() - start}
        records.append({"setting": setting, "backbone": backbone, "method": method,
                        "repeat": repeat, "fold": fold, "docs": len(y),
                        "minority": int((y == minority_class(y)).sum()), **record})
        if options["out"] is not None:
            _append(options["out"], records[-1])
        progress.update(1)
    return records


def run_benchmark(settings, methods, *, backbones=("embedding",), n_folds=5, repeats=1,
                  max_majority=None, random_state=0, device="auto", k_neighbors=5, out=None,
                  command="", verbose=1, figure=True, skip=()):
    """Evaluate every (setting, backbone, method) cell by repeated stratified k-fold CV.

    A fold that raises is recorded with its error and the run goes on.

    Parameters
    ----------
    settings : list of str
        Names in :data:`~miso_resample.benchmark.protocol.SETTINGS`, or groups of
        :data:`~miso_resample.benchmark.protocol.GROUPS` (``"decisive"``, ``"small"``).
    methods : list of str
        Methods; each runs on the backbones that have it.
    backbones : sequence of str, default=("embedding",)
    n_folds : int, default=5
    repeats : int, default=1
    max_majority : int or None, default=None
        Cap on the majority documents of every setting.
    random_state : int, default=0
    device : str, default="auto"
    k_neighbors : int, default=5
    out : str, path-like or None, default=None
        Folder for ``folds.csv``, ``results.csv``, ``results.md``, the figures
        and the embedding cache; a rerun with the same folder resumes.
    command : str, default=""
        The command line, written into ``results.md``.
    verbose : int, default=1
        Progress bars when positive.
    figure : bool, default=True
        With matplotlib: a critical-difference diagram per backbone, and with
        the embedding backbone the re-embedding picture of the first setting.
    skip : sequence of str, default=()
        ``"backbone/method"`` cells to leave out.

    Returns
    -------
    folds : pandas.DataFrame
        The per-fold records (with ``out``: every record in ``folds.csv``,
        including those of earlier runs).
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from ..embeddings import TransformerEmbedder

    settings = expand_settings(settings)
    check_names(settings, methods, backbones, skip)
    done_frame = _done(out)
    done = set(map(tuple, done_frame[_KEY].astype(
        {"repeat": int, "fold": int}).itertuples(index=False)))
    options = dict(random_state=random_state, device=device, k_neighbors=k_neighbors, out=out)
    embedder = _lazy(lambda: TransformerEmbedder(device=device, batch_size=64,
                                                 verbose=verbose).fit())
    cache = None if out is None else Path(out) / "cache"
    if out is not None:
        _log_command(out, command)
    records, start = [], time.perf_counter()
    for name in settings:
        texts, y = load_setting(SETTINGS[name], max_majority=max_majority,
                                random_state=random_state)
        if verbose:
            print(f"{name}: {len(texts)} documents, "
                  f"{int((y == minority_class(y)).sum())} minority", flush=True)
        X = _embed(name, texts, embedder, cache)
        multiclass = len(np.unique(y)) > 2
        if (figure and out is not None and name == settings[0] and "embedding" in backbones
                and not multiclass):          # the re-embedding picture is binary
            _figure(X, y, Path(out) / f"figure1-{name}.png", random_state, name, verbose)
        folds = list(fold_splits(y, n_folds=n_folds, repeats=repeats,
                                 random_state=random_state))
        cells = _cells(backbones, methods, skip, multiclass=multiclass)
        progress = tqdm(total=len(cells) * len(folds), desc=name, disable=not verbose)
        for backbone, method in cells:
            progress.set_postfix_str(f"{backbone}/{method}")
            records += _run_cell(name, backbone, method, texts, X, y, folds, done, options,
                                 progress)
            if out is not None:
                write_results(out, command, n_folds, repeats, random_state,
                              time.perf_counter() - start, figure=figure)
        progress.close()
    if out is not None:
        write_results(out, command, n_folds, repeats, random_state,
                      time.perf_counter() - start, done=True, figure=figure)
        return _done_all(out)
    return pd.DataFrame(records)


def _lazy(factory):
    """A zero-argument function that builds ``factory()`` once, on first call."""
    box = []

    def get():
        if not box:
            box.append(factory())
        return box[0]
    return get


def _done_all(out):
    """Every record in ``out/folds.csv``, the last one of each fold (a retried fold
    replaces its failure)."""
    import pandas as pd

    folds = pd.read_csv(Path(out) / "folds.csv")
    return folds.drop_duplicates(_KEY, keep="last").reset_index(drop=True)


def _figure(X, y, path, random_state, name, verbose):
    try:
        import matplotlib  # noqa: F401
    except ImportError:                       # matplotlib comes with the [benchmark] extra
        if verbose:
            print("matplotlib is not installed: no figure (pip install matplotlib)")
        return
    from .figure import plot_reembedding

    path.parent.mkdir(parents=True, exist_ok=True)
    before, after = plot_reembedding(X, y, path, random_state=random_state,
                                     title=f"{name}: MISO re-embedding (PCA of MiniLM)")
    if verbose:
        print(f"Figure 1 analogue: {path} (difficult minority {before:.0f}% -> {after:.0f}%)",
              flush=True)


def _is_peer(methods):
    """Methods compared with MISO: everything but MISO's own variants and ablations."""
    return ~is_miso_variant(methods)


def _threshold_line(folds, backbone):
    """One sentence: MISO + threshold against the tuned threshold alone (paired)."""
    from .stats import wilcoxon_against

    pair = folds[folds["method"].isin(["miso+threshold", "threshold"])]
    if pair["method"].nunique() < 2:
        return ""
    row = wilcoxon_against(pair, "miso+threshold", backbone=backbone).iloc[0]
    return (f"MISO + threshold against the tuned threshold alone: mean difference "
            f"{row['mean_difference']:+.2f} points over {int(row['n_pairs'])} paired folds, "
            f"Wilcoxon p = {row['p_value']:.4g}.")


def _significance(folds, summary, out, figure):
    """Per backbone: the significance report of MISO against its peers (MISO's own
    variants and ablations left out), MISO + threshold against the threshold alone,
    and the critical-difference diagram."""
    from .stats import (
        _shared_folds,
        average_ranks,
        cell_summary,
        nemenyi_critical_difference,
        significance_report,
    )

    sections = []
    for backbone in dict.fromkeys(summary["backbone"]):
        part = folds[folds["backbone"] == backbone]
        main = part[_is_peer(part["method"]) | (part["method"] == "miso")]
        if "miso" not in set(main["method"]) or main["method"].nunique() < 2:
            continue
        try:
            text = significance_report(main, backbone)
        except ValueError as exc:
            sections.append(f"### Significance: backbone `{backbone}`\n\nNot computed: {exc}")
            continue
        text += "\n" + _threshold_line(part, backbone) + "\n"
        cells = cell_summary(_shared_folds(main))        # ranked as in the report
        scores = cells.pivot(index="setting", columns="method", values="mean").dropna()
        if figure and len(scores) and scores.shape[1] > 1:
            from .figure import plot_critical_difference

            cd = nemenyi_critical_difference(scores.shape[1], len(scores))
            plot_critical_difference(average_ranks(scores), cd, Path(out) / f"cd-{backbone}.png",
                                     title=f"{backbone}: average rank of minority F1 "
                                           f"over {len(scores)} settings")
            text += f"\n![critical difference, {backbone}](cd-{backbone}.png)\n"
        sections.append(text)
    return sections


def _fold_counts(summary, expected):
    """A sentence on the settings whose cells hold another number of folds than this
    run's ``expected`` (resumed from a run with other repeats, or cut mid-cell)."""
    counts = summary.groupby("setting", sort=False)["n"].agg(["min", "max"])
    odd = counts[(counts["min"] != expected) | (counts["max"] != expected)]
    if odd.empty:
        return ""
    parts = [f"{name} {lo}" if lo == hi else f"{name} {lo}-{hi}"
             for name, (lo, hi) in odd.iterrows()]
    return ("Folds per cell differ from this command's in some settings (cells kept from "
            f"an earlier run with the same --out): {', '.join(parts)}. ")


def write_results(out, command, n_folds, repeats, random_state, seconds, *, done=False,
                  figure=True):
    """``results.md``, ``results.csv`` (one row per cell) and the figures, from the
    per-fold records in ``out/folds.csv``."""
    out = Path(out)
    folds = _done_all(out)
    if "error" not in folds:
        folds["error"] = np.nan
    summary = summarize(folds)
    summary.to_csv(out / "results.csv", index=False)
    fold_seconds = float(folds["seconds"].sum()) if "seconds" in folds else float("nan")
    status = (f"Total wall time of this run: {seconds:.0f} s; the folds' own times sum to "
              f"{fold_seconds:.0f} s (including folds kept from earlier runs with this "
              "--out)." if done else
              f"**Partial results** ({len(folds)} folds, {seconds:.0f} s so far): the run "
              "was interrupted or is still going.")
    parts = [
        "# MISO benchmark: the paper's protocol on obtainable corpora",
        _command_lines(out, command), f"Environment: {environment_line()}",
        f"Protocol: {repeats} x {n_folds}-fold repeated stratified CV (repeat r uses seed "
        f"{random_state} + r for the split and the models). Minority F1 in %: mean ± the "
        "half-width of its 95% interval over all folds and repeats, corrected for the "
        "overlap of the folds' training sets (Nadeau & Bengio 2003). Neural backbones "
        "train every method for the same optimizer steps (except `miso-fixed-epochs`). "
        "Backbones: `embedding` = frozen all-MiniLM-L6-v2 sentence embeddings -> "
        "StandardScaler -> sampler -> LogisticRegression; `embedding-mlp` = the same "
        "with a small MLP; `textcnn` / `textrnn` = sampler on raw texts -> "
        "TextCNN / TextRNN; `finetune` = sampler on raw texts -> TransformerClassifier "
        f"(MiniLM fine-tuned). {_fold_counts(summary, repeats * n_folds)}{status}",
        *decisive_sections(folds, n_folds),
        *_significance(folds, summary, out, figure),
    ]
    for backbone in dict.fromkeys(summary["backbone"]):
        parts += [f"## Minority F1, backbone `{backbone}` (mean ± 95% CI)",
                  means_table(summary, backbone)]
    parts += long_tail_tables(summary)
    parts += ["## MISO against the best other method (minority F1, points)",
              gap_table(summary),
              "## Tables 4 and 5: difficult samples (DS% of the training fold's minority "
              "before → after resampling; minority F1 on difficult / non-difficult test "
              "samples) and seconds per cell", difficulty_table(summary),
              "## Anchor quality (means over folds; % except the p_class_ratio columns)",
              anchor_table(summary) or "No sampler generated anchors."]
    for backbone in dict.fromkeys(summary["backbone"]):
        table = ablation_table(folds, backbone)
        if table:
            parts += [f"## MISO's variants and ablations against MISO, backbone `{backbone}` "
                      "(paired folds; anchor metrics in %, means over each row's folds)",
                      table]
    failed = summary[summary["error"].astype(str) != ""]
    if len(failed):
        parts += ["## Failed folds", markdown_table(failed[["setting", "backbone", "method",
                                                            "error"]])]
    (out / "results.md").write_text("\n\n".join(parts) + "\n")
