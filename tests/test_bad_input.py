"""The bad-input table: every public estimator under hostile input (issue #6).

Each case names an estimator, an input and the expected outcome: either a
specific exception whose message names the problem, or a documented result
checked by a function. Every case also checks that the inputs were not
modified. The same table is in ``docs/bad-input.md``.
"""

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
import skorch
from scipy import sparse

from miso_resample import MISOSampler
from miso_resample._engine.net import MISONet
from miso_resample.classifiers import TextCNNClassifier, TextRNNClassifier
from miso_resample.embeddings import TransformerEmbedder

from .conftest import TINY, TINY_TEXT, class_counts, tiny_scratch

TINY_CLF = dict(max_epochs=1, batch_size=16, word_vectors=None, max_length=16)


def _dense(n_major=60, n_minor=12, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(0, 1, (n_major, n_features)),
                   rng.normal(0.7, 1, (n_minor, n_features))])
    return X, np.array([0] * n_major + [1] * n_minor)


def _texts(n_major=40, n_minor=10):
    rng = np.random.RandomState(0)
    good = "great warm funny brilliant moving charming".split()
    bad = "dull slow boring clumsy flat tedious".split()
    major = [f"the film was {rng.choice(good)} and {rng.choice(good)}" for _ in range(n_major)]
    minor = [f"the plot was {rng.choice(bad)} and {rng.choice(bad)}" for _ in range(n_minor)]
    return major + minor, np.array(["pos"] * n_major + ["neg"] * n_minor, dtype=object)


def _with(values, positions, replacement):
    out = list(values)
    for i in positions:
        out[i] = replacement
    return out


X_D, Y_D = _dense()
T, Y_T = _texts()


def dense_sampler(**kw):
    return MISOSampler(**{**TINY, "random_state": 0, **kw})


def text_sampler(**kw):
    return MISOSampler(**{**TINY_TEXT, "random_state": 0, **kw})


def balanced(out, X, y):
    """accepted: every class balanced"""
    counts = class_counts(out[1])
    assert len(set(counts.values())) == 1, counts


def sparse_balanced(out, X, y):
    """accepted: densified for the network; output sparse in the input's format, balanced"""
    balanced(out, X, y)
    assert sparse.issparse(out[0]) and out[0].format == X.format


def texts_bounded(out, X, y):
    """accepted: balanced; anchors are non-empty edits no longer than the longest text"""
    balanced(out, X, y)
    anchors = list(out[0])[len(X):]
    assert anchors and all(isinstance(a, str) and a.strip() for a in anchors)
    longest = max(len(str(t).split()) for t in X)
    assert all(len(a.split()) <= longest for a in anchors)


def string_labels_kept(out, X, y):
    """accepted: balanced, the same string labels"""
    balanced(out, X, y)
    assert set(np.unique(out[1])) == set(np.unique(y))


def frame_index_kept(out, X, y):
    """accepted: DataFrame and Series out (imbalanced-learn's containers), originals first"""
    balanced(out, X, y)
    assert isinstance(out[0], pd.DataFrame) and list(out[0].columns) == list(X.columns)
    np.testing.assert_array_equal(out[0].to_numpy()[:len(X)], X.to_numpy())
    assert isinstance(out[1], pd.Series) and len(out[1]) == len(out[0])


@dataclass
class Case:
    id: str
    make: Callable[[], Any]
    X: Any
    y: Any = None
    error: type | None = None
    match: str | None = None
    check: Callable | None = None
    call: str = "fit_resample"
    extra: dict = field(default_factory=dict)
    slow: bool = False          # more than about a second on 2 CPU cores


_mixed_rows = np.array([["good film", 1.0], ["bad film", 2.0]] * 20, dtype=object)
_long = " ".join(["word"] * 20000)
_unicode = (["😀 great film 🎬"] * 15 + ["电影很好看"] * 15 + ["فيلم رائع جدا"] * 10
            + ["😡 awful 👎"] * 4 + ["电影很无聊"] * 3 + ["فيلم ممل"] * 3)
_frame = pd.DataFrame(X_D, index=np.arange(1000, 1000 + len(X_D)) * 3,
                      columns=[f"f{i}" for i in range(X_D.shape[1])])
_huge_X, _huge_y = _dense(n_major=2000, n_minor=2)

CASES = [
    # -- MISOSampler, dense mode ---------------------------------------------------
    Case("dense-empty", dense_sampler, np.empty((0, 4)), np.empty(0), ValueError,
         "0 sample"),
    Case("dense-one-class", dense_sampler, X_D, np.zeros(len(Y_D), int), ValueError,
         "more than 1 class"),
    Case("dense-nan-labels", dense_sampler, X_D, np.where(Y_D == 1, np.nan, 0.0), ValueError,
         "NaN"),
    Case("dense-multi-output", dense_sampler, X_D, np.c_[Y_D, Y_D * 2], ValueError,
         "1d array"),
    Case("dense-continuous-target", dense_sampler, X_D, np.linspace(0, 1, len(Y_D)),
         ValueError, "continuous"),
    Case("dense-length-mismatch", dense_sampler, X_D, Y_D[:-3], ValueError,
         "inconsistent numbers of samples"),
    Case("dense-nan-features", dense_sampler, np.where(np.eye(len(X_D), 4) > 0, np.nan, X_D),
         Y_D, ValueError, "NaN"),
    Case("dense-inf-features", dense_sampler, np.where(np.eye(len(X_D), 4) > 0, np.inf, X_D),
         Y_D, ValueError, "infinity"),
    Case("dense-sparse-csr-accepted", dense_sampler, sparse.csr_matrix(X_D), Y_D,
         check=sparse_balanced),
    Case("dense-sparse-csc-accepted", dense_sampler, sparse.csc_matrix(X_D), Y_D,
         check=sparse_balanced),
    Case("dense-minority-of-1", dense_sampler, X_D[:61], Y_D[:61], ValueError,
         "single sample"),
    Case("dense-minority-of-2-default-k", dense_sampler, X_D[:62], Y_D[:62], ValueError,
         "k_neighbors=5 must be smaller"),
    Case("dense-minority-of-2-k1", lambda: dense_sampler(k_neighbors=1), X_D[:62], Y_D[:62],
         check=balanced),
    Case("dense-k-not-below-minority", lambda: dense_sampler(k_neighbors=12), X_D, Y_D,
         ValueError, "k_neighbors=12 must be smaller"),
    Case("dense-imbalance-1-to-1000",
         lambda: dense_sampler(k_neighbors=1, max_epochs=1, pretrain_epochs=0, batch_size=256),
         _huge_X, _huge_y,
         check=balanced),
    Case("dense-dict-unknown-class", lambda: dense_sampler(sampling_strategy={7: 80}), X_D,
         Y_D, ValueError, "not present in the data"),
    Case("dense-callable-unknown-class",
         lambda: dense_sampler(sampling_strategy=lambda y: {"zzz": 80}), X_D, Y_D, ValueError,
         "not present in the data"),
    Case("dense-string-labels", dense_sampler, X_D, np.where(Y_D == 1, "spam", "ham"),
         check=string_labels_kept),
    Case("dense-mixed-label-types", dense_sampler, X_D,
         np.array([0 if v == 0 else "one" for v in Y_D], dtype=object), ValueError,
         "mixes label types"),
    Case("dense-pandas-non-default-index", dense_sampler, _frame,
         pd.Series(Y_D, index=_frame.index), check=frame_index_kept),
    Case("dense-missing-string-label", dense_sampler, X_D,
         np.array(["a" if v == 0 else None for v in Y_D], dtype=object), ValueError,
         "missing labels"),
    Case("dense-categorical-labels", dense_sampler, X_D,
         pd.Series(pd.Categorical(np.where(Y_D == 1, "spam", "ham"))),
         check=string_labels_kept),
    Case("dense-numeric-strings-accepted", dense_sampler, X_D.round(3).astype(str), Y_D,
         check=balanced),
    Case("dense-invalid-precision", lambda: dense_sampler(precision="fp8"), X_D, Y_D,
         ValueError, "precision"),
    Case("dense-invalid-device", lambda: dense_sampler(device="tpu"), X_D, Y_D, ValueError,
         "got 'tpu'"),
    Case("dense-cuda-without-gpu", lambda: dense_sampler(device="cuda:7"), X_D, Y_D,
         ValueError, "cuda"),
    Case("dense-max-epochs-0", lambda: dense_sampler(max_epochs=0), X_D, Y_D, ValueError,
         "max_epochs"),
    Case("dense-negative-lr", lambda: dense_sampler(lr=-1.0), X_D, Y_D, ValueError, "lr"),
    Case("dense-heads-do-not-divide", lambda: dense_sampler(n_heads=3), X_D, Y_D, ValueError,
         "multiple of n_heads"),
    Case("dense-text-and-number-columns", dense_sampler, _mixed_rows,
         np.array([0, 1] * 20), ValueError, "mixes text"),
    # -- MISOSampler, text mode -------------------------------------------------------
    Case("text-empty-list", text_sampler, [], [], ValueError, "X is empty"),
    Case("text-one-class", text_sampler, T, np.array(["pos"] * len(T)), ValueError,
         "more than 1 class"),
    Case("text-none", text_sampler, _with(T, [3], None), Y_T, ValueError,
         r"None/NaN at rows \[3\]"),
    Case("text-nan", text_sampler, _with(T, [5, 41], np.nan), Y_T, ValueError,
         r"None/NaN at rows \[5, 41\]"),
    Case("text-empty-string", text_sampler, _with(T, [0], ""), Y_T, ValueError,
         r"whitespace-only texts at rows \[0\]"),
    Case("text-whitespace-only", text_sampler, _with(T, [44], " \t\n"), Y_T, ValueError,
         r"whitespace-only texts at rows \[44\]"),
    Case("text-non-string-objects", text_sampler, _with(T, [2], 3.5), Y_T, TypeError,
         "non-string entries"),
    Case("text-bytes", text_sampler, _with(T, [1], b"bytes"), Y_T, TypeError,
         r"bytes, not str, at rows \[1\]"),
    Case("text-all-bytes-array", text_sampler, np.array([t.encode() for t in T]), Y_T,
         TypeError, "bytes, not str"),
    Case("text-nan-labels", text_sampler, T, np.where(Y_T == "neg", np.nan, 0.0),
         ValueError, "NaN"),
    Case("text-continuous-target", text_sampler, T, np.linspace(0, 1, len(T)), ValueError,
         "continuous"),
    Case("text-multi-output", text_sampler, T, np.c_[Y_T, Y_T], ValueError,
         "1d array|one-hot"),
    Case("text-length-mismatch", text_sampler, T, Y_T[:-1], ValueError,
         "inconsistent numbers of samples"),
    # max_length bounds the anchors of the from-scratch decoder (the edit decoder edits
    # its source, whatever its length)
    Case("text-20000-token-text", lambda: text_sampler(decoder=tiny_scratch()),
         _with(T, [45], _long), Y_T, check=texts_bounded, slow=True),
    Case("text-emoji-chinese-rtl", text_sampler, _unicode,
         np.array(["pos"] * 40 + ["neg"] * 10), check=texts_bounded, slow=True),
    Case("text-all-identical", text_sampler, ["same words here"] * 50, Y_T,
         check=texts_bounded),
    Case("text-dict-unknown-class", lambda: text_sampler(sampling_strategy={"meh": 3}), T,
         Y_T, ValueError, "not present in the data"),
    Case("text-invalid-device", lambda: text_sampler(device="gpu0"), T, Y_T, ValueError,
         "got 'gpu0'"),
    # -- classifiers ----------------------------------------------------------------------
    Case("textcnn-numeric-matrix", lambda: TextCNNClassifier(**TINY_CLF), X_D, Y_D,
         TypeError, "column of texts", call="fit"),
    Case("textcnn-none-text", lambda: TextCNNClassifier(**TINY_CLF), _with(T, [7], None),
         Y_T, ValueError, r"None/NaN at rows \[7\]", call="fit"),
    Case("textcnn-empty", lambda: TextCNNClassifier(**TINY_CLF), [], [], ValueError, "empty",
         call="fit"),
    Case("textcnn-one-class", lambda: TextCNNClassifier(**TINY_CLF), T,
         np.array(["pos"] * len(T)), ValueError, "single class", call="fit"),
    Case("textcnn-continuous-target", lambda: TextCNNClassifier(**TINY_CLF), T,
         np.linspace(0, 1, len(T)), ValueError, "continuous", call="fit"),
    Case("textcnn-length-mismatch", lambda: TextCNNClassifier(**TINY_CLF), T, Y_T[:-2],
         ValueError, "inconsistent numbers of samples", call="fit"),
    Case("textrnn-invalid-device", lambda: TextRNNClassifier(**TINY_CLF, device="tpu"), T,
         Y_T, ValueError, "got 'tpu'", call="fit"),
    Case("textrnn-max-epochs-0", lambda: TextRNNClassifier(**{**TINY_CLF, "max_epochs": 0}),
         T, Y_T, ValueError, "max_epochs", call="fit"),
    # -- embedder ---------------------------------------------------------------------------
    Case("embedder-missing-folder", lambda: TransformerEmbedder(model_path="/nonexistent"),
         None, None, FileNotFoundError, "config.json missing", call="fit"),
    Case("embedder-invalid-device", lambda: TransformerEmbedder(device="tpu"), None, None,
         ValueError, "got 'tpu'", call="fit"),
    Case("embedder-none-text", "minilm", _with(T, [4], None), None, ValueError,
         r"None/NaN at rows \[4\]", call="transform"),
    Case("embedder-non-string", "minilm", [1, 2, 3], None, TypeError,
         "non-string entries", call="transform"),
    Case("embedder-empty", "minilm", [], None, ValueError, "empty", call="transform"),
]


@pytest.fixture(scope="module")
def minilm():
    return TransformerEmbedder(batch_size=8).fit()


def test_the_table_is_large_enough():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=[pytest.mark.slow] if c.slow else []) for c in CASES])
def test_bad_input(case, request):
    """Raises the documented error before any training, or gives the documented result."""
    estimator = request.getfixturevalue("minilm") if case.make == "minilm" else case.make()
    before = (copy.deepcopy(case.X), copy.deepcopy(case.y))
    args = [a for a in (case.X, case.y) if a is not None] if case.call != "transform" \
        else [case.X]
    if case.call == "fit" and case.X is None:
        args = []
    method = getattr(estimator, case.call)
    if case.error is not None:
        def no_training(*a, **k):
            raise AssertionError("training started before the input was rejected")

        with pytest.MonkeyPatch.context() as patch:   # errors come before any training
            patch.setattr(MISONet, "fit", no_training)
            patch.setattr(skorch.NeuralNetClassifier, "fit", no_training)
            with pytest.raises(case.error, match=case.match):
                method(*args)
    else:
        case.check(method(*args), case.X, case.y)
    _assert_unchanged(before, (case.X, case.y))


def _assert_unchanged(before, after):
    for old, new in zip(before, after):
        if old is None:
            continue
        if sparse.issparse(old):
            assert (old != new).nnz == 0
        elif isinstance(old, (pd.DataFrame, pd.Series)):
            pd.testing.assert_frame_equal(pd.DataFrame(old), pd.DataFrame(new))
        elif isinstance(old, np.ndarray) and old.dtype.kind != "O":
            np.testing.assert_array_equal(old, new)
        else:
            assert len(old) == len(new)
            for a, b in zip(old, new):
                if isinstance(a, np.ndarray):
                    assert list(a) == list(b)
                else:
                    assert a is b or a == b or (a != a and b != b)



def describe(case):
    """One row of the table in docs/bad-input.md."""
    estimator = "TransformerEmbedder" if case.make == "minilm" else None
    if estimator is None:
        made = case.make()
        estimator = type(made).__name__
    mode = " (text)" if case.id.startswith("text-") else " (dense)" \
        if case.id.startswith("dense-") else ""
    if case.error is not None:
        outcome = f"`{case.error.__name__}` matching `{case.match}`".replace("|", "\\|")
    else:
        outcome = case.check.__doc__
    return f"| `{case.id}` | {estimator}{mode}.{case.call} | {outcome} |"


def test_docs_list_every_case():
    doc = (Path(__file__).parent.parent / "docs" / "bad-input.md").read_text()
    missing = [describe(c) for c in CASES if describe(c) not in doc]
    assert not missing, "docs/bad-input.md is out of date:\n" + "\n".join(missing)


def _public_function_cases():
    from miso_resample import estimate_mutual_information, find_difficult_samples
    from miso_resample.metrics import (
        anchor_report,
        distinct_n,
        knn_precision_recall,
        text_anchor_report,
    )

    X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    texts = ["a b", "c d", "e f", "g h"]
    return [
        (find_difficult_samples, dict(X=X, y=y, k_neighbors=0), "k_neighbors"),
        (find_difficult_samples, dict(X=X, y=y, metric=3), "metric"),
        (estimate_mutual_information, dict(x=X, z=X, lr=0.0), "lr"),
        (estimate_mutual_information, dict(x=X, z=X, ema_rate=2.0), "ema_rate"),
        (knn_precision_recall, dict(real=X, fake=X, k=1.5), "k"),
        (anchor_report, dict(X=X, y=y, X_res=X, y_res=y, duplicate_tol=-1.0), "duplicate_tol"),
        (anchor_report, dict(X=X, y=y, X_res=X, y_res=y, classifier="svm"), "classifier"),
        (text_anchor_report, dict(texts=texts, y=y, texts_res=texts, y_res=y, embedder=1),
         "embedder"),
        (distinct_n, dict(texts=texts, n=0), "n"),
    ]


@pytest.mark.parametrize("case", range(9))
def test_public_functions_validate_their_parameters(case):
    """validate_params names the parameter and the function before any work."""
    from sklearn.utils._param_validation import InvalidParameterError

    func, kwargs, name = _public_function_cases()[case]
    before = copy.deepcopy(kwargs)
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of {func.__name__}"):
        func(**kwargs)
    assert kwargs == before
