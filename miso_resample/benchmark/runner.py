"""Run every (setting x method) cell in one go and write the side-by-side table."""

import csv
import os
import platform
import time
from pathlib import Path

import numpy as np

from .protocol import (BACKBONES, METHODS, SETTINGS, TEXT_METHODS, evaluate_cell,
                       evaluate_text_cell, load_setting)

__all__ = ["run_benchmark", "format_table"]

COLUMNS = ["setting", "backbone", "method", "docs", "minority", "f1", "macro_f1", "ds_before",
           "ds_after", "f1_ds", "f1_non_ds", "seconds", "error"]


def _versions():
    import imblearn
    import sklearn
    import skorch
    import torch

    from .. import __version__

    return (f"python {platform.python_version()}, miso_resample {__version__}, torch "
            f"{torch.__version__}, skorch {skorch.__version__}, scikit-learn "
            f"{sklearn.__version__}, imbalanced-learn {imblearn.__version__}; "
            f"{platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch "
            "threads")


def _fmt(value, sd=None):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return f"{value:.1f}±{sd:.1f}" if sd is not None and np.isfinite(sd) else f"{value:.1f}"


def _failed(row):
    """True for a cell recorded with an error (NaN or empty when read back from CSV)."""
    return isinstance(row.get("error"), str) and bool(row["error"])


def format_table(rows):
    """Markdown table: F1 of the minority class and macro-F1 (mean±sd over folds, %)."""
    lines = ["| setting | backbone | method | minority F1 | macro-F1 | DS% before → after | "
             "F1 DS / non-DS | s |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if _failed(r):
            lines.append(f"| {r['setting']} | {r.get('backbone', 'embedding')} | "
                         f"{r['method']} | failed: {r['error']} | | | | "
                         f"{r['seconds']:.0f} |")
            continue
        lines.append(
            f"| {r['setting']} | {r.get('backbone', 'embedding')} | {r['method']} | "
            f"{_fmt(r['f1'], r['f1_sd'])} | "
            f"{_fmt(r['macro_f1'], r['macro_f1_sd'])} | {_fmt(r['ds_before'])} → "
            f"{_fmt(r['ds_after'])} | {_fmt(r['f1_ds'])} / {_fmt(r['f1_non_ds'])} | "
            f"{r['seconds']:.0f} |")
    return "\n".join(lines)


MISO_METHODS = ("miso", "miso+threshold")


def gap_table(rows):
    """Markdown: MISO (and MISO + threshold) against the best other method of each
    (setting, backbone), by mean minority F1; gaps in points."""
    lines = ["| setting | backbone | best other method | miso | gap | miso+threshold | gap |",
             "|---|---|---|---|---|---|---|"]
    groups = {}
    for r in rows:
        if not _failed(r) and np.isfinite(r.get("f1", np.nan)):
            groups.setdefault((r["setting"], r.get("backbone", "embedding")), {})[
                r["method"]] = r
    for (setting, backbone), cells in groups.items():
        others = {m: r for m, r in cells.items() if m not in MISO_METHODS}
        if not others:
            continue
        best_name, best = max(others.items(), key=lambda item: item[1]["f1"])
        line = f"| {setting} | {backbone} | {best_name} {_fmt(best['f1'], best['f1_sd'])} |"
        for method in MISO_METHODS:
            if method in cells:
                f1 = cells[method]["f1"]
                line += f" {_fmt(f1, cells[method]['f1_sd'])} | {f1 - best['f1']:+.1f} |"
            else:
                line += " - | - |"
        lines.append(line)
    return "\n".join(lines)


def wide_table(rows):
    """Markdown: one line per (setting, backbone), one column per method (minority F1)."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    lines = ["| setting | backbone | " + " | ".join(methods) + " |",
             "|---|---|" + "---|" * len(methods)]
    groups = {}
    for r in rows:
        groups.setdefault((r["setting"], r.get("backbone", "embedding")), {})[r["method"]] = r
    for (setting, backbone), cells in groups.items():
        values = []
        for method in methods:
            r = cells.get(method)
            values.append("-" if r is None else "failed" if _failed(r) else _fmt(r["f1"]))
        lines.append(f"| {setting} | {backbone} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def _figure(X, y, path, random_state, name, verbose):
    try:
        import matplotlib  # noqa: F401
    except ImportError:                       # matplotlib is an optional extra ([plot])
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


def _write(out, rows, command, n_folds, random_state, total, done):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    keys = COLUMNS + sorted({k for r in rows for k in r if k.endswith("_sd")})
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    status = (f"Total wall time {total:.0f} s." if done else
              f"**Partial results** ({len(rows)} cells, {total:.0f} s so far): the run "
              "was interrupted or is still going.")
    (out / "results.md").write_text(
        "# MISO benchmark: the paper's protocol on obtainable corpora\n\n"
        f"Command: `{command}`\n\nEnvironment: {_versions()}\n\n"
        f"Backbones: `embedding` = all-MiniLM-L6-v2 sentence embeddings -> StandardScaler "
        f"-> sampler -> LogisticRegression(max_iter=2000); `textcnn` / `textrnn` = sampler "
        f"on raw texts -> TextCNNClassifier / TextRNNClassifier (defaults). "
        f"{n_folds}-fold stratified CV, "
        f"seed {random_state}. F1 in %, mean±sd over folds. DS% = difficult share of the "
        "training fold's minority (k=5) before and after resampling; F1 DS / non-DS = "
        "minority F1 on test samples with / without another class among their 5 nearest "
        f"training samples. {status}\n\n" + format_table(rows) + "\n\n"
        "Minority F1 at a glance:\n\n" + wide_table(rows) + "\n\n"
        "MISO against the best other method of each setting and backbone (minority F1, "
        "points):\n\n" + gap_table(rows) + "\n")


def run_benchmark(settings, methods, *, backbones=("embedding",), n_folds=5, max_majority=None,
                  random_state=0, device="auto", out=None, command="", verbose=1,
                  figure=True, skip=()):
    """Evaluate every (setting, method) cell with the embedding backbone.

    Returns the list of result rows; with ``out``, writes ``results.csv`` and
    ``results.md`` (command, versions, hardware, wall time per cell) there, and
    with ``figure`` (matplotlib installed) ``figure1-<setting>.png`` for the
    first setting: a before/after picture of MISO's re-embedding. ``skip``
    lists ``"backbone/method"`` cells to leave out. A cell that raises is
    recorded with its error (``error`` column) and the run goes on.
    """
    from tqdm.auto import tqdm

    from ..embeddings import TransformerEmbedder

    unknown = ([s for s in settings if s not in SETTINGS]
               + [m for m in methods if m not in METHODS and m not in TEXT_METHODS]
               + [b for b in backbones if b not in BACKBONES]
               + [c for c in skip if c.count("/") != 1 or c.split("/")[0] not in BACKBONES])
    if unknown:
        raise ValueError(f"Unknown settings, methods or backbones: {unknown}. Settings: "
                         f"{sorted(SETTINGS)}; methods: {sorted(set(METHODS) | set(TEXT_METHODS))};"
                         f" backbones: {list(BACKBONES)}.")
    embedder = TransformerEmbedder(device=device, batch_size=64, verbose=verbose).fit()
    rows, start = [], time.perf_counter()
    for name in settings:
        texts, y = load_setting(SETTINGS[name], max_majority=max_majority,
                                random_state=random_state)
        if verbose:
            print(f"{name}: {len(texts)} documents, {int(y.sum())} minority", flush=True)
        X = embedder.transform(texts)
        if figure and out is not None and name == settings[0]:
            _figure(X, y, Path(out) / f"figure1-{name}.png", random_state, name, verbose)
        cells = [(b, m) for b in backbones for m in methods
                 if m in (METHODS if b == "embedding" else TEXT_METHODS)
                 and f"{b}/{m}" not in skip]
        skipped = [(b, m) for b in backbones for m in methods if (b, m) not in cells]
        if skipped and verbose:
            print(f"not applicable, skipped: {skipped}", flush=True)
        progress = tqdm(total=len(cells) * n_folds, desc=name, disable=not verbose)
        for backbone, method in cells:
            progress.set_postfix_str(f"{backbone}/{method}")
            cell_start = time.perf_counter()
            try:
                if backbone == "embedding":
                    result = evaluate_cell(X, y, method, n_folds=n_folds,
                                           random_state=random_state, progress=progress)
                else:
                    result = evaluate_text_cell(texts, X, y, backbone, method,
                                                n_folds=n_folds, random_state=random_state,
                                                device=device, progress=progress)
            except (ValueError, RuntimeError, FloatingPointError) as exc:
                # one failing cell must not lose a run of hours: record it, go on
                result = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                          "seconds": time.perf_counter() - cell_start}
                if verbose:
                    print(f"{name} {backbone}/{method} failed: {result['error']}",
                          flush=True)
            rows.append({"setting": name, "backbone": backbone, "method": method,
                         "docs": len(texts), "minority": int(y.sum()), **result})
            if out is not None:       # after every cell: a long run survives an interruption
                _write(out, rows, command, n_folds, random_state,
                       time.perf_counter() - start, done=False)
        progress.close()
    if out is not None:
        _write(out, rows, command, n_folds, random_state, time.perf_counter() - start,
               done=True)
    return rows
