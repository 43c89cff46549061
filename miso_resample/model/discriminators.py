"""Discriminators ``D_phi+`` and ``D_phi-`` of the CAG (paper, section 4.2).

"Each of which is composed of a single hidden layer": a linear layer, a leaky
ReLU and a linear read-out giving one logit (real vs generated).
"""

import torch

__all__ = ["Discriminator"]


class Discriminator(torch.nn.Module):
    """Single-hidden-layer discriminator returning one logit per sample.

    Parameters
    ----------
    input_dim : int
        Width of what the discriminator sees (a decoder's ``discriminator_view``).
    hidden_dim : int, default=128
        Width of the single hidden layer.
    """

    def __init__(self, input_dim, hidden_dim=128):
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(input_dim, hidden_dim),
            torch.nn.LeakyReLU(0.2),
            torch.nn.Linear(hidden_dim, 1),
        )

    def forward(self, x):
        return self.net(x.flatten(1)).squeeze(-1)
