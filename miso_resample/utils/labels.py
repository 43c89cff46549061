"""Class labels: missing values and mixed label types, rejected with the rows named."""

import numbers

import numpy as np

from .text_input import _is_missing, _rows

__all__ = ["check_label_types"]


def _label_kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, str):
        return "str"
    if isinstance(value, numbers.Number):
        return "number"
    return type(value).__name__


def check_label_types(y):
    """Reject missing labels and labels mixing types (e.g. ints and strings) clearly."""
    values = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y, dtype=object) \
        if isinstance(y, (list, tuple)) else y
    if not isinstance(values, np.ndarray) or values.dtype.kind != "O":
        return
    if values.ndim == 2 and values.shape[1] == 1:
        values = values.ravel()
    if values.ndim != 1:
        return
    missing = [i for i, v in enumerate(values) if _is_missing(v)]
    if missing:
        raise ValueError(f"y has missing labels (None/NaN) at rows {_rows(missing)}.")
    kinds = {_label_kind(v) for v in values}
    if len(kinds) > 1:
        raise ValueError(f"y mixes label types ({', '.join(sorted(kinds))}); use one "
                         "type for all class labels.")
