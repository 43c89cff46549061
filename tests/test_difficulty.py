"""find_difficult_samples (section 7.1) on hand-made neighbourhoods."""

import numpy as np
import pytest

from miso_resample import find_difficult_samples
from miso_resample.difficulty import difficult_share


def test_known_answer_one_dimension():
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [0.15], [5.2]])
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    # minority 1: rows 3, 4, 6 sit together, row 5 sits among the majority
    mask = find_difficult_samples(X, y, k_neighbors=2, minority_class=1)
    np.testing.assert_array_equal(mask, [False, False, False, False, False, True, False])
    # with 4 neighbours, rows 3, 4 and 6 reach row 5 or the majority too
    mask = find_difficult_samples(X, y, k_neighbors=4, minority_class=1)
    np.testing.assert_array_equal(mask, [False, False, False, True, True, True, True])


def test_default_minority_is_every_class_but_the_majority():
    X = np.array([[0.0], [0.1], [0.2], [0.3], [1.0], [1.05], [3.0], [0.25]])
    y = np.array(["a", "a", "a", "a", "b", "b", "c", "c"])
    mask = find_difficult_samples(X, y, k_neighbors=1)
    # b rows are each other's nearest neighbour; c at 3.0 is nearest to b; c at 0.25 to a
    np.testing.assert_array_equal(mask, [False] * 4 + [False, False, True, True])


def test_self_is_excluded_even_with_duplicates():
    X = np.array([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    assert not find_difficult_samples(X, y, k_neighbors=2, minority_class=1).any()
    X2 = np.array([[0.0], [0.0], [1.0], [1.0], [1.0]])
    y2 = np.array([0, 1, 0, 0, 0])   # the minority row duplicates a majority row
    mask = find_difficult_samples(X2, y2, k_neighbors=1, minority_class=1)
    np.testing.assert_array_equal(mask, [False, True, False, False, False])


def test_share_and_errors():
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [0.15]])
    y = np.array([0, 0, 0, 1, 1, 1])
    assert difficult_share(X, y, minority_class=1, k_neighbors=1) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="smaller than the number of samples"):
        find_difficult_samples(X, y, k_neighbors=6)
    with pytest.raises(ValueError, match="not found in y"):
        find_difficult_samples(X, y, minority_class=7)
    with pytest.raises(ValueError, match="k_neighbors. parameter of find_difficult_samples"):
        find_difficult_samples(X, y, k_neighbors=0)
