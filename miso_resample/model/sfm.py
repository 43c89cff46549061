"""Semantic fusion module (SFM), paper section 4.2, "SFM".

Per attention head, with ``Q`` the minority and ``K`` the majority
representations of one minibatch of *paired* rows (row ``i`` of ``Q`` and row
``i`` of ``K`` form the triple ``(Q_i, Qbar_i, K_i)`` of the paper)::

    Qbar = [softmax(Q K^T / sqrt(tau)) Q] softmax(Q^T K / sqrt(tau))

then the heads are concatenated and fused by a feed-forward network (step (2)
of Figure 2).

Choices where the paper is silent:

* The formula only type-checks when ``Q`` and ``K`` have the same number of
  rows, so minibatches pair each minority row with one majority row
  (``b_s`` minority and ``b_s`` majority rows give ``b_s * h`` triples, as the
  paper says).
* Both softmaxes normalise over the last axis: the first one is, for each
  minority row, a distribution over the majority rows of the batch; the
  second a ``d_h x d_h`` feature-mixing matrix.
* Each head works on its own linear projections of ``Q`` and ``K`` (as in
  standard multi-head attention), of width ``latent_dim // n_heads``.
* ``tau`` (the adaptive temperature, ``#majority / #minority`` of the current
  epoch) is an argument of ``forward``; ``miso_resample._engine.schedule`` decides how
  it moves during training.
"""

import math

import torch

__all__ = ["semantic_fusion_attention", "SemanticFusionModule"]


def semantic_fusion_attention(q, k, tau):
    """The per-head SFM formula of section 4.2.

    Parameters
    ----------
    q, k : torch.Tensor of shape (..., b, d_h)
        Minority and majority representations of ``b`` paired rows.
    tau : float
        Adaptive temperature, ``>= 1``; larger values flatten both softmaxes.

    Returns
    -------
    q_bar : torch.Tensor of shape (..., b, d_h)
    """
    scale = math.sqrt(float(tau))
    row_attention = torch.softmax(q @ k.transpose(-1, -2) / scale, dim=-1)       # (b, b)
    feature_attention = torch.softmax(q.transpose(-1, -2) @ k / scale, dim=-1)   # (d_h, d_h)
    return (row_attention @ q) @ feature_attention


class SemanticFusionModule(torch.nn.Module):
    """Multi-head semantic fusion of minority (``Q``) and majority (``K``) rows.

    Parameters
    ----------
    latent_dim : int, default=64
        Width ``d`` of ``Q``, ``K`` and ``Qbar``.
    n_heads : int, default=8
        Number of attention heads; must divide ``latent_dim``.
    """

    def __init__(self, latent_dim=64, n_heads=8):
        super().__init__()
        if latent_dim % n_heads:
            raise ValueError(
                f"latent_dim={latent_dim} must be a multiple of n_heads={n_heads}.")
        self.n_heads = n_heads
        self.query = torch.nn.Linear(latent_dim, latent_dim)
        self.key = torch.nn.Linear(latent_dim, latent_dim)
        self.fusion = torch.nn.Sequential(   # step (2): feed-forward fusion of the heads
            torch.nn.Linear(latent_dim, latent_dim),
            torch.nn.GELU(),
            torch.nn.Linear(latent_dim, latent_dim),
            torch.nn.LayerNorm(latent_dim),  # Qbar on the scale of Q and K
        )

    def _split_heads(self, x):
        b, d = x.shape
        return x.view(b, self.n_heads, d // self.n_heads).transpose(0, 1)  # (h, b, d_h)

    def forward(self, q, k, tau):
        """``Qbar`` of shape (b, latent_dim) for paired ``q``, ``k`` of shape (b, latent_dim)."""
        heads = semantic_fusion_attention(
            self._split_heads(self.query(q)), self._split_heads(self.key(k)), tau)
        return self.fusion(heads.transpose(0, 1).reshape(q.shape))
