"""Text-mode detection and validation of MISOSampler inputs."""

import numpy as np
import pandas as pd
import pytest

from miso_resample.utils.text_input import check_texts, is_text_input


@pytest.mark.parametrize("X, expected", [
    (["a b", "c"], True),
    (np.array(["a", "b"]), True),
    (np.array(["a", "b"], dtype=object).reshape(-1, 1), True),
    (pd.Series(["a", "b"]), True),
    (pd.Series(["a", "b"], dtype="string"), True),
    (pd.DataFrame({"text": ["a", "b"]}), True),
    (pd.DataFrame({"t": ["a"], "u": ["b"]}), False),
    (np.zeros((3, 2)), False),
    ([[1.0, 2.0], [3.0, 4.0]], False),
    (pd.Series([1.0, 2.0]), False),
])
def test_mode_detection(X, expected):
    assert is_text_input(X) is expected


@pytest.mark.parametrize("values, error, match", [
    (["ok", None, "fine"], ValueError, r"None/NaN at rows \[1\]"),
    (["ok", float("nan")], ValueError, r"None/NaN at rows \[1\]"),
    (["ok", "", "  \t"], ValueError, r"empty or whitespace-only texts at rows \[1, 2\]"),
    (["ok", 3, "x", 4.5], TypeError, r"non-string entries \(float, int\) at rows \[1, 3\]"),
    (["ok", b"bytes"], TypeError, "bytes"),
])
def test_bad_texts_name_their_rows(values, error, match):
    with pytest.raises(error, match=match):
        check_texts(values)


def test_container_round_trips():
    texts = ["a", "b"]
    for X, check in [
        (list(texts), lambda out: out == ["a", "b", "new"]),
        (np.array(texts), lambda out: out.tolist() == ["a", "b", "new"] and out.ndim == 1),
        (np.array(texts, dtype=object).reshape(-1, 1),
         lambda out: out.shape == (3, 1) and out.dtype == object),
        (pd.Series(texts, index=[10, 20], name="t"),
         lambda out: out.index.tolist() == [10, 20, 21] and out.name == "t"),
        (pd.Series(texts, index=["x", "y"]),
         lambda out: out.index.tolist() == ["x", "y", "anchor-0"]),
        (pd.DataFrame({"text": texts}),
         lambda out: list(out.columns) == ["text"] and out.index.tolist() == [0, 1, 2]),
    ]:
        values, container = check_texts(X)
        assert check(container.wrap(values + ["new"], None)[0])
