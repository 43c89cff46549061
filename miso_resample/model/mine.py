"""Mutual Information Neural Estimation (MINE, Belghazi et al. 2018).

MISO (paper, section 4.2, "MI Loss") estimates two mutual informations with two
MINEs: ``T+`` on ``(Q, Qbar)`` and ``T-`` on ``(K, Qbar)``. Both use the
Donsker-Varadhan (DV) representation of the KL divergence,

    I(X; Z) >= E_P(X,Z)[T(x, z)] - log E_P(X)P(Z)[exp T(x, z)],

with samples of the product of marginals obtained by shuffling ``z`` inside the
minibatch.

Choices made here (the paper defers to Belghazi et al. for the details):

* ``log E[exp T]`` is computed as ``logsumexp(T) - log(n)`` so that large
  statistics never overflow.
* The minibatch gradient of ``log E[exp T]`` is biased; following Belghazi et al.
  (section 3.2) the denominator of its gradient is replaced by an exponential
  moving average of ``E[exp T]``. The moving average is kept in log space
  (``log_ema``) and the corrected term is built so that the *value* returned is
  still the plain DV estimate while its *gradient* is the corrected one.
* The moving average is only updated by the MINE's own maximisation step; the
  encoder/SFM step reads it without changing it.
"""

import math
from typing import NamedTuple

import torch

__all__ = ["StatisticsNetwork", "MINE", "MIEstimate", "donsker_varadhan"]


class StatisticsNetwork(torch.nn.Module):
    """The statistics network ``T_omega(x, z)`` of MINE: an MLP on ``[x; z]``.

    Parameters
    ----------
    x_dim, z_dim : int
        Dimensions of the two variables.
    hidden_dim : int, default=128
        Width of the hidden layers.
    n_hidden_layers : int, default=2
        Number of hidden layers.
    """

    def __init__(self, x_dim, z_dim, hidden_dim=128, n_hidden_layers=2):
        super().__init__()
        layers, width = [], x_dim + z_dim
        for _ in range(n_hidden_layers):
            layers += [torch.nn.Linear(width, hidden_dim), torch.nn.ELU()]
            width = hidden_dim
        layers.append(torch.nn.Linear(width, 1))
        self.mlp = torch.nn.Sequential(*layers)

    def forward(self, x, z):
        return self.mlp(torch.cat([x, z], dim=-1)).squeeze(-1)


class MIEstimate(NamedTuple):
    """A DV estimate and the objective whose gradient is the bias-corrected one.

    ``estimate`` and ``objective`` have the same value; only their gradients
    differ. Maximise ``objective``; report ``estimate``.
    """

    estimate: torch.Tensor
    objective: torch.Tensor


def log_mean_exp(t):
    """``log(mean(exp(t)))`` in log-sum-exp form."""
    return torch.logsumexp(t, dim=0) - math.log(t.shape[0])


def donsker_varadhan(t_joint, t_marginal, *, return_log_mean_exp=False):
    """DV lower bound ``mean(t_joint) - log mean exp(t_marginal)`` (nats), and with
    ``return_log_mean_exp`` its second term too (MINE's moving average needs it)."""
    lme = log_mean_exp(t_marginal)
    bound = t_joint.mean() - lme
    return (bound, lme) if return_log_mean_exp else bound


class MINE(torch.nn.Module):
    """A MINE: statistics network plus the moving average used for its gradient.

    Parameters
    ----------
    x_dim, z_dim : int
        Dimensions of the two variables.
    hidden_dim : int, default=128
        Width of the statistics network.
    ema_rate : float, default=0.01
        Rate of the exponential moving average of ``E[exp T]`` on the
        product of marginals (Belghazi et al. 2018, section 3.2).
    """

    def __init__(self, x_dim, z_dim, hidden_dim=128, ema_rate=0.01):
        super().__init__()
        self.statistics = StatisticsNetwork(x_dim, z_dim, hidden_dim)
        self.ema_rate = ema_rate
        self.register_buffer("log_ema", torch.tensor(float("nan")))

    def forward(self, x, z, *, update_ema=False):
        """DV estimate of ``I(x; z)`` on one minibatch of paired rows.

        The product of marginals is sampled by shuffling ``z`` (a permutation
        drawn from torch's current random state).
        """
        permutation = torch.randperm(z.shape[0], device=z.device)
        # the bound itself in float32, also under bf16 autocast
        t_joint = self.statistics(x, z).float()
        t_marginal = self.statistics(x, z[permutation]).float()
        estimate, lme = donsker_varadhan(t_joint, t_marginal, return_log_mean_exp=True)
        if update_ema:
            self._update_ema(lme.detach())
        log_ema = self.log_ema if torch.isfinite(self.log_ema) else lme.detach()
        # Same value as `estimate`; gradient of the log term is grad E[e^T] / EMA.
        corrected = torch.exp(lme - log_ema.detach())
        objective = estimate + lme - lme.detach() - (corrected - corrected.detach())
        return MIEstimate(estimate, objective)

    @torch.no_grad()
    def _update_ema(self, lme):
        if not torch.isfinite(self.log_ema):
            self.log_ema.copy_(lme)
            return
        rate = self.ema_rate
        self.log_ema.copy_(torch.logaddexp(
            self.log_ema + math.log1p(-rate), lme + math.log(rate)))

    @torch.no_grad()
    def evaluate(self, x, z, n_permutations=10):
        """DV estimate on a whole sample, averaging the marginal term over
        ``n_permutations`` shuffles of ``z`` (no gradient)."""
        t_joint = self.statistics(x, z)
        t_marginal = torch.cat([
            self.statistics(x, z[torch.randperm(z.shape[0], device=z.device)])
            for _ in range(n_permutations)
        ])
        return float(donsker_varadhan(t_joint, t_marginal))
