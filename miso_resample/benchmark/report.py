"""Reports of every benchmark: the environment block, Markdown tables and the writer.

One home for what the ``miso-resample benchmark`` harness and the scripts in
``benchmarks/`` print and write, so that every committed result states the
command that produced it, the versions and the hardware in the same words.
"""

import csv
import os
import platform
import shlex
import sys
from pathlib import Path

__all__ = ["environment", "environment_line", "markdown_table", "command_line",
           "write_report"]


def environment(threads=None):
    """Versions, CPU, cores and torch threads, as an ordered dict of strings."""
    import imblearn
    import sklearn
    import skorch
    import torch

    from .. import __version__

    return {
        "python": platform.python_version(),
        "miso_resample": __version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "imbalanced-learn": imblearn.__version__,
        "cpu": platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "torch threads": str(threads if threads is not None else torch.get_num_threads()),
    }


def environment_line(threads=None):
    """:func:`environment` as one line for a report."""
    return ", ".join(f"{key} {value}" for key, value in environment(threads).items())


def _cell(value):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).replace("|", "/").replace("\n", " ")


def markdown_table(rows, columns=None):
    """A Markdown table from a list of dicts or a pandas DataFrame (missing cells blank)."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    rows = list(rows)
    if not rows:
        return ""
    columns = list(columns or dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def command_line(script, argv=None):
    """The command that produced a result, as the README shows it (shell-quoted, so
    that it can be pasted back)."""
    args = argv if argv is not None else sys.argv[1:]
    return f"python benchmarks/{script} {shlex.join(args)}".strip()


def write_report(out, name, rows, *, title, command, description, threads=None,
                 sections=()):
    """Write ``<name>.csv`` (the rows) and ``<name>.md`` (title, command, environment,
    description, the table, then extra ``sections``); return the Markdown text."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with open(out / f"{name}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    report = "\n\n".join([f"# {title}", f"Command: `{command}`",
                          "Environment: " + environment_line(threads), description,
                          markdown_table(rows, columns), *sections]) + "\n"
    (out / f"{name}.md").write_text(report)
    return report
