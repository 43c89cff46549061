"""Text inputs: detection, validation and output containers.

Text mode is chosen when ``X`` is a column of strings: a list or tuple whose
entries include a ``str``, a 1-D numpy array or an ``(n, 1)`` array of
str/object dtype containing a ``str``, a pandas ``Series`` of object or string
dtype containing a ``str``, or a single-column ``DataFrame`` of that kind.
Everything else goes to dense mode (numeric matrices).
"""

import numpy as np

__all__ = ["is_text_input", "check_texts", "check_not_mixed", "TextContainer"]


def _is_pandas(obj, name):
    return type(obj).__name__ == name and type(obj).__module__.startswith("pandas")


def _column(X):
    """The single column of ``X`` as a 1-D sequence, or None if ``X`` is not one."""
    if isinstance(X, (list, tuple)):
        if X and all(isinstance(r, (list, tuple)) and len(r) == 1 for r in X):
            return [r[0] for r in X]
        return list(X)
    if _is_pandas(X, "Series"):
        return X
    if _is_pandas(X, "DataFrame"):
        return X.iloc[:, 0] if X.shape[1] == 1 else None
    if isinstance(X, np.ndarray) and X.dtype.kind in "OUS":
        if X.ndim == 1:
            return X
        if X.ndim == 2 and X.shape[1] == 1:
            return X[:, 0]
    return None


def is_text_input(X):
    """True when ``X`` is a column holding at least one ``str`` (text mode)."""
    column = _column(X)
    if column is None:
        return False
    if _is_pandas(column, "Series"):
        if str(column.dtype) == "category":
            column = column.cat.categories
        elif column.dtype.kind not in "OU" and str(column.dtype) not in ("string", "str"):
            return False
        column = column.to_numpy(dtype=object)
    if isinstance(column, np.ndarray) and column.dtype.kind in "US":
        return True
    return any(isinstance(v, str) for v in column)


def _is_missing(value):
    if value is None:
        return True
    try:
        return bool(value != value)       # NaN, pd.NA-like floats
    except (TypeError, ValueError):
        return type(value).__name__ in ("NAType", "NaTType")


def check_texts(X):
    """Validate a text column; return ``(texts, container)``.

    Raises a ``ValueError`` naming the offending rows (by position) when an
    entry is None/NaN, empty or whitespace-only, and a ``TypeError`` when an
    entry is not a string. Nothing is dropped.
    """
    column = _column(X)
    if column is None:
        shape = getattr(X, "shape", None)
        raise TypeError(
            "Expected a column of texts (list, 1-D array, (n, 1) array, pandas Series or "
            f"single-column DataFrame of str); got {type(X).__name__}"
            + (f" of shape {shape} and dtype {getattr(X, 'dtype', '?')}" if shape else "")
            + ".")
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    if len(values) == 0:
        raise ValueError("X is empty: text mode needs at least one text per class.")
    missing, blank, not_str = [], [], []
    for i, value in enumerate(values):
        if isinstance(value, bytes):
            not_str.append(i)
        elif isinstance(value, str):
            if not value.strip():
                blank.append(i)
        elif _is_missing(value):
            missing.append(i)
        else:
            not_str.append(i)
    if not_str and all(isinstance(values[i], bytes) for i in not_str):
        raise TypeError(
            f"Text mode: X holds bytes, not str, at rows {_rows(not_str)}. Decode them "
            "first, e.g. [b.decode('utf-8') for b in X].")
    if not_str:
        kinds = sorted({type(values[i]).__name__ for i in not_str})
        raise TypeError(
            f"Text mode: X mixes texts with non-string entries ({', '.join(kinds)}) at rows "
            f"{_rows(not_str)}. Convert them to str, or pass a numeric matrix for dense mode.")
    problems = []
    if missing:
        problems.append(f"None/NaN at rows {_rows(missing)}")
    if blank:
        problems.append(f"empty or whitespace-only texts at rows {_rows(blank)}")
    if problems:
        raise ValueError("Text mode: X has " + "; ".join(problems)
                         + ". Remove or fill them before resampling; nothing is dropped "
                         "silently.")
    return values, TextContainer(X)


def _holds_words(column):
    """True when a column holds a string that is not a number ("1.5" is a number)."""
    for value in column:
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return True
    return False


def check_not_mixed(X):
    """Reject an empty list and a several-column table that mixes text with numbers.

    Text mode takes one column of texts; dense mode takes numbers (numeric
    strings such as ``"1.5"`` included, as scikit-learn converts them). A table
    with a column of words next to other columns fits neither, and would
    otherwise fail deep inside the numeric conversion.
    """
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError("X is empty: nothing to resample.")
    if _is_pandas(X, "DataFrame"):
        if X.shape[1] > 1:
            columns = [c for c in X.columns if X[c].dtype.kind in "OSU"
                       or str(X[c].dtype) in ("string", "str", "category")]
            worded = [c for c in columns if _holds_words(
                X[c].cat.categories if str(X[c].dtype) == "category" else X[c])]
            if worded:
                raise ValueError(
                    f"X mixes text columns {worded} with other columns. Pass a single "
                    "text column (text mode) or numeric columns only (dense mode).")
        return
    array = X if isinstance(X, np.ndarray) else (
        np.asarray(X, dtype=object) if isinstance(X, (list, tuple))
        and isinstance(X[0], (list, tuple)) else None)
    if array is not None and array.ndim == 2 and array.shape[1] > 1 and array.dtype.kind in "OUS":
        columns = [j for j in range(array.shape[1]) if _holds_words(array[:, j])]
        if columns:
            raise ValueError(
                f"X mixes text and numbers: columns {columns} of its {array.shape[1]} hold "
                "words. Pass a single text column (text mode) or a numeric matrix "
                "(dense mode).")


def _rows(indices, limit=10):
    shown = ", ".join(str(i) for i in indices[:limit])
    return f"[{shown}{', ...' if len(indices) > limit else ''}] ({len(indices)} in all)"


class TextContainer:
    """Rebuilds the user's text container around resampled texts.

    imbalanced-learn's output containers start a fresh index and cast back to the
    input's dtypes, which would turn the new texts of a categorical column into
    NaN. Text mode keeps the user's container instead: a pandas integer index
    continues after its maximum (other indexes get ``anchor-0``, ``anchor-1``, ...),
    a categorical dtype gains the anchors as new categories, and labels in a
    pandas container follow the texts' index.
    """

    def __init__(self, X):
        self.is_series = _is_pandas(X, "Series")
        self.is_frame = _is_pandas(X, "DataFrame")
        self.X = X

    def _new_index(self, index, n_new):
        import pandas as pd

        if pd.api.types.is_integer_dtype(index.dtype):
            start = int(index.max()) + 1 if len(index) else 0
            return pd.RangeIndex(start, start + n_new)
        return pd.Index([f"anchor-{i}" for i in range(n_new)], dtype=object)

    def _pandas(self, texts):
        import pandas as pd

        X = self.X
        index = X.index.append(self._new_index(X.index, len(texts) - len(X)))
        dtype = X.dtype if self.is_series else X.dtypes.iloc[0]
        if isinstance(dtype, pd.CategoricalDtype):   # the anchors are new categories
            known = set(dtype.categories)
            extra = [t for t in dict.fromkeys(texts[len(X):]) if t not in known]
            dtype = pd.CategoricalDtype(list(dtype.categories) + extra, dtype.ordered)
        values = pd.Series(texts, index=index, dtype=dtype)
        return values.rename(X.name) if self.is_series else values.to_frame(X.columns[0])

    def wrap(self, X_res, y_res):
        """``(X_res, y_res)`` in the input's containers; ``X_res`` holds every text."""
        X, texts = self.X, list(X_res)
        if self.is_series or self.is_frame:
            X_out = self._pandas(texts)
            if hasattr(y_res, "index"):
                y_res = y_res.set_axis(X_out.index)
            return X_out, y_res
        if isinstance(X, np.ndarray):
            out = np.array(texts, dtype=object) if X.dtype.kind == "O" else np.array(texts)
            return (out.reshape(-1, 1) if X.ndim == 2 else out), y_res
        if isinstance(X, (list, tuple)) and X and isinstance(X[0], (list, tuple)):
            return [[t] for t in texts], y_res
        return texts, y_res
