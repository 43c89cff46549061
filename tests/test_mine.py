"""MINE: Donsker-Varadhan bound, gradient correction and estimate_mutual_information."""

import math

import numpy as np
import pytest
import torch

from miso_resample import estimate_mutual_information
from miso_resample.model.mine import MINE, donsker_varadhan, log_mean_exp


def _correlated_gaussians(rho, d, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    return x, rho * x + np.sqrt(1 - rho ** 2) * rng.normal(size=(n, d))


@pytest.mark.slow
@pytest.mark.parametrize("d", [1, 5])
@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_estimate_matches_analytic_gaussian_mi(rho, d):
    x, z = _correlated_gaussians(rho, d, 8000, seed=d)
    mi = estimate_mutual_information(x, z, random_state=0)
    analytic = -(d / 2) * math.log(1 - rho ** 2)
    assert mi == pytest.approx(analytic, rel=0.15)


def test_independent_variables_give_near_zero():
    rng = np.random.default_rng(0)
    mi = estimate_mutual_information(rng.normal(size=(3000, 2)), rng.normal(size=(3000, 2)),
                                     max_epochs=20, random_state=0)
    assert abs(mi) < 0.05


def test_estimate_is_reproducible_and_leaves_global_rng_alone():
    x, z = _correlated_gaussians(0.7, 2, 1000, seed=0)
    torch.manual_seed(123)
    np.random.seed(123)
    before_torch, before_np = torch.get_rng_state(), np.random.get_state()[1].copy()
    a = estimate_mutual_information(x, z, max_epochs=5, random_state=3)
    b = estimate_mutual_information(x, z, max_epochs=5, random_state=3)
    assert a == b
    assert torch.equal(torch.get_rng_state(), before_torch)
    np.testing.assert_array_equal(np.random.get_state()[1], before_np)


def test_donsker_varadhan_in_log_sum_exp_form():
    t_joint = torch.tensor([1.0, 2.0, 3.0])
    t_marg = torch.tensor([0.0, 1.0, 800.0])      # exp(800) overflows float32
    value = donsker_varadhan(t_joint, t_marg)
    expected = 2.0 - (800.0 + math.log1p(math.exp(-800) + math.exp(-799)) - math.log(3))
    assert torch.isfinite(value)
    assert float(value) == pytest.approx(expected, rel=1e-6)
    assert float(log_mean_exp(torch.zeros(5))) == pytest.approx(0.0, abs=1e-7)


def test_moving_average_correction_changes_gradient_not_value():
    torch.manual_seed(0)
    mine = MINE(2, 2, hidden_dim=8, ema_rate=0.5)
    x, z = torch.randn(32, 2), torch.randn(32, 2)
    mine(x, z, update_ema=True)                  # initialise the moving average
    mine.log_ema.fill_(5.0)                      # a stale average: gradients must differ
    torch.manual_seed(1)
    est = mine(x, z)
    assert float(est.objective.detach()) == pytest.approx(float(est.estimate.detach()), abs=1e-6)
    g_plain = torch.autograd.grad(est.estimate, mine.statistics.mlp[-1].bias, retain_graph=True)
    g_corr = torch.autograd.grad(est.objective, mine.statistics.mlp[-1].bias)
    # d/db of mean(T_joint) is 1 and d/db of log E[e^T] is 1: the plain bound's bias
    # gradient is 0, the corrected one is 1 - E[e^T] / EMA.
    assert float(g_plain[0]) == pytest.approx(0.0, abs=1e-6)
    assert float(g_corr[0]) > 0.9


def test_ema_updates_only_when_asked():
    torch.manual_seed(0)
    mine = MINE(1, 1)
    x, z = torch.randn(16, 1), torch.randn(16, 1)
    mine(x, z)
    assert torch.isnan(mine.log_ema)
    mine(x, z, update_ema=True)
    first = mine.log_ema.clone()
    assert torch.isfinite(first)
    mine(x, z)
    assert torch.equal(mine.log_ema, first)


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        estimate_mutual_information(np.zeros(10), np.zeros(11))
    with pytest.raises(ValueError, match="NaN"):
        estimate_mutual_information(np.array([1.0, np.nan, 2.0, 3.0]), np.zeros(4))
    with pytest.raises(ValueError, match="max_epochs"):
        estimate_mutual_information(np.arange(10.0), np.arange(10.0), max_epochs=0)
