"""The paper's datasets (section 6, Table 2) in their canonical public formats.

They cannot be downloaded here: each loader reads a path the user gives, in the
format the dataset is distributed in, and returns a scikit-learn ``Bunch`` with
``data`` (list of str), ``target`` (ints indexing ``target_names``),
``target_names`` and ``DESCR``.
"""

import csv
import re
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_sms_spam", "load_imdb", "load_ag_news", "load_yelp_polarity", "load_toutiao"]


def _existing(path, what):
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{what} not found at {path}.")
    return path


def _bunch(texts, labels, names, descr):
    if not texts:
        raise ValueError(f"No documents read. {descr.splitlines()[0]}")
    index = {name: i for i, name in enumerate(names)}
    return Bunch(data=list(texts), target=np.asarray([index[label] for label in labels]),
                 target_names=list(names), DESCR=descr)


def load_sms_spam(path):
    """SMS Spam Collection (Almeida et al. 2011): the ``SMSSpamCollection`` file.

    One message per line, ``ham<TAB>text`` or ``spam<TAB>text``.

    Parameters
    ----------
    path : str or path-like
        The ``SMSSpamCollection`` file.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (labels), ``target_names``, ``DESCR``.
    """
    texts, labels = [], []
    with open(_existing(path, "SMSSpamCollection"), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            label, sep, text = line.partition("\t")
            if not sep or label not in ("ham", "spam"):
                raise ValueError(f"{path}, line {number}: expected 'ham<TAB>text' or "
                                 f"'spam<TAB>text', got {line[:60]!r}.")
            texts.append(text.strip())
            labels.append(label)
    return _bunch(texts, labels, ["ham", "spam"],
                  "SMS Spam Collection: SMS messages labelled ham or spam.")


def load_imdb(path, *, subset="train"):
    """Large Movie Review Dataset (Maas et al. 2011): the ``aclImdb`` folder.

    Reads ``<subset>/neg/*.txt`` and ``<subset>/pos/*.txt``; ``<br />`` tags
    become spaces.

    Parameters
    ----------
    path : str or path-like
        The ``aclImdb`` folder.
    subset : {"train", "test", "all"}, default="train"
        Which part to read.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (labels), ``target_names``, ``DESCR``.
    """
    root = _existing(path, "aclImdb folder")
    subsets = ["train", "test"] if subset == "all" else [subset]
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all', got {subset!r}.")
    texts, labels = [], []
    for part in subsets:
        for label in ("neg", "pos"):
            for file in sorted((root / part / label).glob("*.txt")):
                text = file.read_text(encoding="utf-8", errors="replace")
                texts.append(re.sub(r"<br\s*/?>", " ", text).strip())
                labels.append(label)
    return _bunch(texts, labels, ["neg", "pos"],
                  f"IMDB movie reviews ({subset}), negative or positive. "
                  f"Expected {root}/<subset>/(neg|pos)/*.txt.")


def _csv_rows(path, what, n_fields):
    with open(_existing(path, what), encoding="utf-8", errors="replace", newline="") as f:
        for number, row in enumerate(csv.reader(f), start=1):
            if not row:
                continue
            if len(row) != n_fields:
                raise ValueError(f"{path}, row {number}: expected {n_fields} fields, "
                                 f"got {len(row)}.")
            yield number, row


AG_NEWS_CLASSES = ["World", "Sports", "Business", "Sci/Tech"]


def load_ag_news(path):
    """AG News (Zhang et al. 2015): ``train.csv`` or ``test.csv``.

    Rows ``"class","title","description"`` with class 1-4 (World, Sports,
    Business, Sci/Tech), no header; the text is the title and the description
    (the format's ``\\`` line breaks become spaces).

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (labels), ``target_names``, ``DESCR``.
    """
    texts, labels = [], []
    for number, (label, title, description) in _csv_rows(path, "AG News CSV", 3):
        if label not in ("1", "2", "3", "4"):
            raise ValueError(f"{path}, row {number}: class must be 1-4, got {label!r}.")
        texts.append(f"{title}. {description}".replace("\\", " ").strip())
        labels.append(AG_NEWS_CLASSES[int(label) - 1])
    return _bunch(texts, labels, AG_NEWS_CLASSES, "AG News: news articles in 4 topics.")


def load_yelp_polarity(path):
    """Yelp review polarity (Zhang et al. 2015): ``train.csv`` or ``test.csv``.

    Rows ``"label","text"`` with label 1 (negative) or 2 (positive), no header;
    the format's escaped ``\\n`` become line breaks.

    Parameters
    ----------
    path : str or path-like
        The CSV file.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (labels), ``target_names``, ``DESCR``.
    """
    texts, labels = [], []
    for number, (label, text) in _csv_rows(path, "Yelp polarity CSV", 2):
        if label not in ("1", "2"):
            raise ValueError(f"{path}, row {number}: label must be 1 or 2, got {label!r}.")
        texts.append(text.replace("\\n", "\n").replace('\\"', '"').strip())
        labels.append("negative" if label == "1" else "positive")
    return _bunch(texts, labels, ["negative", "positive"],
                  "Yelp review polarity: reviews labelled negative or positive.")


def load_toutiao(path, *, include_keywords=False):
    """Toutiao headlines (Chinese, 15 topics): ``toutiao_cat_data.txt``.

    Lines ``id_!_code_!_category_!_title_!_keywords``; the text is the title
    (and the keywords when ``include_keywords``); ``target_names`` are the
    category names (e.g. ``news_culture``) in order of first appearance.

    Parameters
    ----------
    path : str or path-like
        The ``toutiao_cat_data.txt`` file.
    include_keywords : bool, default=False
        Append each line's keywords to its title.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` (list of str), ``target`` (labels), ``target_names``, ``DESCR``.
    """
    texts, labels = [], []
    with open(_existing(path, "Toutiao file"), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("_!_")
            if len(fields) < 4:
                raise ValueError(f"{path}, line {number}: expected "
                                 "'id_!_code_!_category_!_title_!_keywords'.")
            text = fields[3]
            if include_keywords and len(fields) > 4 and fields[4]:
                text += " " + fields[4].replace(",", " ")
            texts.append(text.strip())
            labels.append(fields[2])
    names = list(dict.fromkeys(labels))
    return _bunch(texts, labels, names, "Toutiao news headlines (Chinese) in 15 topics.")
