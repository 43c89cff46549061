"""Decoders of the coupled adversarial generator (paper, section 4.2, "CAG").

The minority decoder ``De_|psi+`` is *guided by the latent variable*: it reads
the disentangled representation ``z``; the majority decoder ``De_|psi-`` is a
standard decoder that reads ``K``. A decoder module provides:

* ``forward(latent, target=None)``: a differentiable output (teacher-forced
  when ``target`` is given, for sequence decoders);
* ``reconstruction_loss(output, target)``;
* ``discriminator_view(output)`` and ``real_view(target)``: what the
  discriminator sees of a generated and of a real sample, in one space, so
  that the adversarial gradient reaches the generator;
* ``generate(latent)``: the final sample (a vector here);
* ``view_dim``: the width of ``discriminator_view``, used to size the
  discriminator.
"""

import torch

__all__ = ["DenseDecoder"]


class DenseDecoder(torch.nn.Module):
    """MLP decoder from a latent vector back to the (standardised) feature space.

    Parameters
    ----------
    latent_dim : int
        Input width.
    n_features : int
        Output width.
    hidden_dim : int, default=256
        Width of the hidden layer.
    """

    def __init__(self, latent_dim, n_features, hidden_dim=256):
        super().__init__()
        self.view_dim = n_features  # width of `discriminator_view`
        self.net = torch.nn.Sequential(
            torch.nn.Linear(latent_dim, hidden_dim),
            torch.nn.GELU(),
            torch.nn.Linear(hidden_dim, n_features),
        )

    def forward(self, latent, target=None):
        return self.net(latent)

    def reconstruction_loss(self, output, target):
        return torch.nn.functional.mse_loss(output, target)

    def discriminator_view(self, output):
        return output

    def real_view(self, target):
        return target

    def generate(self, latent):
        return self.net(latent)
