"""Algorithm 1 phases and the adaptive temperature tau."""

import pytest

from miso_resample._engine.schedule import (
    ADVERSARIAL,
    PRETRAIN_AUTOENCODERS,
    PRETRAIN_MINE,
    adaptive_temperature,
    adversarial_progress,
    n_training_epochs,
    training_phase,
)


def test_phases_follow_algorithm_1():
    phases = [training_phase(e, 2, True) for e in range(n_training_epochs(2, 3, True))]
    assert phases == [PRETRAIN_AUTOENCODERS] * 2 + [PRETRAIN_MINE] * 2 + [ADVERSARIAL] * 3


def test_cag_only_has_no_mine_pretraining():
    phases = [training_phase(e, 2, False) for e in range(n_training_epochs(2, 3, False))]
    assert phases == [PRETRAIN_AUTOENCODERS] * 2 + [ADVERSARIAL] * 3


def test_tau_moves_from_initial_ratio_to_balanced():
    n_epochs = n_training_epochs(1, 5, True)
    taus = [adaptive_temperature(adversarial_progress(e, 1, n_epochs, True), 10, 1000, 990)
            for e in range(2, n_epochs)]
    assert taus[0] == pytest.approx(100.0)          # #majority / #minority at the start
    assert taus[-1] == pytest.approx(1.0)           # balanced once all anchors exist
    assert all(a > b for a, b in zip(taus, taus[1:]))


def test_tau_is_at_least_one():
    assert adaptive_temperature(0.0, 50, 10, 0) == 1.0
    assert adaptive_temperature(1.0, 10, 100, 0) == pytest.approx(10.0)
