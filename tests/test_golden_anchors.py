"""The restructuring of the sampler changed no output.

``tests/data/golden_anchors.npz`` holds anchors produced on CPU by the sampler
as it was before it was split by mode (commit 66a83df), with the tiny
configurations of ``conftest.py``. The same seeds must give the same anchors:
dense anchors to float rounding (thread counts may reorder sums), text anchors
and every anchor's source exactly.
"""

from pathlib import Path

import numpy as np
import pytest

from miso_resample import MISOSampler
from miso_resample.benchmark.variants import legacy_params

from .conftest import TINY, TINY_SCRATCH, TINY_TEXT

GOLDEN = np.load(Path(__file__).parent / "data" / "golden_anchors.npz")

# The parameters that reproduce the generator as it was when the file was written
# (generator changes come with their own parameters and defaults): one definition,
# shared with the benchmark harness and scripts.
LEGACY = legacy_params("dense")
LEGACY_TEXT = legacy_params("text", **TINY_SCRATCH)


def test_dense_binary_anchors_unchanged(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **{**TINY, **LEGACY})
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.anchor_sources_, GOLDEN["dense_sources"])
    np.testing.assert_allclose(X_res[len(X):], GOLDEN["dense_anchors"], rtol=1e-4, atol=1e-5)


def test_dense_multiclass_anchors_unchanged(three_classes):
    X, y = three_classes
    sampler = MISOSampler(random_state=1, **{**TINY, **LEGACY})
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(y_res[len(y):], GOLDEN["multi_labels"])
    np.testing.assert_array_equal(sampler.anchor_sources_, GOLDEN["multi_sources"])
    np.testing.assert_allclose(X_res[len(X):], GOLDEN["multi_anchors"], rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_text_anchors_unchanged(review_texts):
    texts, y = review_texts
    sampler = MISOSampler(random_state=0, **{**TINY_TEXT, **LEGACY_TEXT})
    texts_res, _ = sampler.fit_resample(texts, y)
    np.testing.assert_array_equal(sampler.anchor_sources_, GOLDEN["text_sources"])
    assert list(texts_res[len(texts):]) == GOLDEN["text_anchors"].tolist()
