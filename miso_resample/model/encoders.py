"""Shared encoders (paper, section 4.1): one network, used for both classes.

The minority encoder ``Ee_psi+`` and the majority encoder ``Ee_psi-`` share
their parameters so that ``Q = E(x+)`` and ``K = E(x-)`` live in one semantic
space. An encoder maps a batch of inputs to a ``(batch, latent_dim)`` tensor;
any ``torch.nn.Module`` with that contract plugs into
:class:`~miso_resample.model.miso.MISOModule`.
"""

import torch

__all__ = ["DenseEncoder"]


class DenseEncoder(torch.nn.Module):
    """MLP encoder for dense feature vectors (e.g. sentence embeddings).

    Parameters
    ----------
    n_features : int
        Input width.
    latent_dim : int, default=64
        Output width ``d``.
    hidden_dim : int, default=256
        Width of the hidden layer.
    """

    def __init__(self, n_features, latent_dim=64, hidden_dim=256):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(n_features, hidden_dim),
            torch.nn.LayerNorm(hidden_dim),
            torch.nn.GELU(),
            torch.nn.Linear(hidden_dim, latent_dim),
            torch.nn.LayerNorm(latent_dim),  # bounded Q and K keep the MINE statistics finite
        )

    def forward(self, x):
        return self.net(x)
