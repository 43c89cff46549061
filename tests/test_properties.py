"""Property-based tests (hypothesis) of ``MISOSampler`` over small random datasets.

For any small dataset and sampling strategy: the output holds the originals,
unchanged and first, followed by exactly ``sampling_strategy_[c]`` anchors of
each class c; the container and dtype of ``X`` and ``y`` are kept; anchors are
finite (dense) or non-empty strings (text). ``derandomize`` keeps CI stable.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miso_resample import MISOSampler
from miso_resample.decoders import EditDecoder

from .conftest import class_counts

# epoch_pairs=None: an epoch is one pass over the larger class (tiny data, few steps).
FAST = dict(device="cpu", max_epochs=1, pretrain_epochs=1, batch_size=16, latent_dim=4,
            hidden_dim=8, n_heads=2, lr=1e-3, k_neighbors=2, random_state=0, epoch_pairs=None)
PROPERTY_SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])

STRATEGIES = st.sampled_from(["auto", "minority", "not majority", "all", 0.6, 1.0])


@st.composite
def dense_problems(draw):
    sizes = draw(st.lists(st.integers(3, 25), min_size=2, max_size=3))
    n_features = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2 ** 16))
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(i * 0.5, 1.0, (n, n_features)) for i, n in enumerate(sizes)])
    y = np.repeat(np.arange(len(sizes)), sizes)
    strategy = draw(STRATEGIES)
    if isinstance(strategy, float) and (len(sizes) > 2 or min(sizes) >= strategy * max(sizes)):
        strategy = "auto"        # a float ratio: binary targets, below the current ratio
    return X.astype(dtype), y, strategy, draw(st.sampled_from(["numpy", "pandas"]))


def expected_counts(y, strategy):
    """Class counts after over-sampling, worked out independently of imblearn."""
    before = class_counts(y)                          # classes in sorted order
    majority = max(before, key=before.get)
    top = before[majority]
    if strategy == "minority":
        targets = {min(before, key=before.get): top}
    elif strategy in ("auto", "not majority"):
        targets = {c: top for c in before if c != majority}
    elif strategy == "all":
        targets = {c: top for c in before}
    else:                                             # float ratio, binary
        minority = min(before, key=before.get)
        targets = {minority: int(strategy * top)}
    return {c: max(n, targets.get(c, n)) for c, n in before.items()}


def _check_resampled(sampler, X_in, y_in, X_out, y_out, original_rows, strategy):
    assert class_counts(y_out) == expected_counts(y_in, strategy)
    assert len(sampler.anchor_sources_) == len(y_out) - len(y_in)
    # every anchor was generated for a sample of its own class
    np.testing.assert_array_equal(np.asarray(y_in)[sampler.anchor_sources_],
                                  np.asarray(y_out)[len(y_in):])
    assert original_rows(X_out)


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(dense_problems())
def test_dense_counts_containers_and_originals(problem):
    X, y, strategy, container = problem
    X_in, y_in = (X, y) if container == "numpy" else (
        pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), pd.Series(y, name="y"))
    X_copy = np.array(X, copy=True)
    sampler = MISOSampler(sampling_strategy=strategy, **FAST)
    X_out, y_out = sampler.fit_resample(X_in, y_in)
    assert type(X_out) is type(X_in) and type(y_out) is type(y_in)
    values = np.asarray(X_out)
    assert values.dtype == X.dtype and values.shape[1] == X.shape[1]
    assert np.isfinite(values).all()
    np.testing.assert_array_equal(np.asarray(X_in), X_copy)        # input untouched
    _check_resampled(sampler, X, y, values, np.asarray(y_out),
                     lambda out: np.array_equal(out[:len(X)], X_copy), strategy)


def test_dense_and_text_examples():
    """One fixed example of each property test (the property tests are slow)."""
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, (12, 3)), rng.normal(1, 1, (5, 3))]).astype(np.float32)
    y = np.repeat([0, 1], [12, 5])
    sampler = MISOSampler(sampling_strategy="auto", **FAST)
    X_out, y_out = sampler.fit_resample(X, y)
    assert X_out.dtype == np.float32 and np.isfinite(X_out).all()
    _check_resampled(sampler, X, y, X_out, y_out,
                     lambda out: np.array_equal(out[:len(X)], X), "auto")
    texts = ["good film", "fun plot end", "good fun", "film end good", "fun film",
             "bad slow", "slow plot bad", "bad end"]
    labels = np.array(["a"] * 5 + ["b"] * 3, dtype=object)
    sampler = MISOSampler(sampling_strategy="all", decoder=EditDecoder(word_vectors=None),
                          **FAST)
    out, y_out = sampler.fit_resample(texts, labels)
    assert all(isinstance(t, str) and t.strip() for t in out[len(texts):])
    _check_resampled(sampler, texts, labels, out, np.asarray(y_out),
                     lambda values: values[:len(texts)] == texts, "all")


WORDS = ["good", "bad", "film", "plot", "slow", "fun", "电影", "😀", "فيلم", "end"]


@st.composite
def text_problems(draw):
    sizes = draw(st.lists(st.integers(3, 12), min_size=2, max_size=3))
    texts = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
             for _ in range(sum(sizes))]
    y = np.repeat(np.array(["a", "b", "c"][:len(sizes)], dtype=object), sizes)
    container = draw(st.sampled_from(["list", "series", "array"]))
    X = {"list": texts, "series": pd.Series(texts, index=np.arange(len(texts)) * 7),
         "array": np.array(texts, dtype=object)}[container]
    return X, y, draw(st.sampled_from(["auto", "not majority", "all"]))


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(text_problems())
def test_text_counts_containers_and_originals(problem):
    X, y, strategy = problem
    originals = list(X)
    sampler = MISOSampler(sampling_strategy=strategy, decoder=EditDecoder(word_vectors=None),
                          **FAST)
    X_out, y_out = sampler.fit_resample(X, y)
    assert type(X_out) is type(X)
    assert list(X) == originals                                    # input untouched
    out = list(X_out)
    assert all(isinstance(t, str) and t.strip() for t in out[len(originals):])
    _check_resampled(sampler, originals, y, out, np.asarray(y_out),
                     lambda values: values[:len(originals)] == originals, strategy)
