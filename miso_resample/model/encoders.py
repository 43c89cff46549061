"""Shared encoders (paper, section 4.1): one network, used for both classes.

The minority encoder ``Ee_psi+`` and the majority encoder ``Ee_psi-`` share
their parameters so that ``Q = E(x+)`` and ``K = E(x-)`` live in one semantic
space. An encoder maps a batch of inputs to a ``(batch, latent_dim)`` tensor;
any ``torch.nn.Module`` with that contract plugs into
:class:`~miso_resample.model.miso.MISOModule`.
"""

import torch

__all__ = ["DenseEncoder", "PositionalTokenEmbedding", "TransformerSequenceEncoder"]


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



class PositionalTokenEmbedding(torch.nn.Module):
    """Word embeddings (shared table) projected to ``width``, plus learned positions."""

    def __init__(self, embedding, width, max_length):
        super().__init__()
        self.embedding = embedding
        self.proj = torch.nn.Linear(embedding.embedding_dim, width)
        self.position = torch.nn.Embedding(max_length, width)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        return self.proj(self.embedding(ids)) + self.position(positions)


class TransformerSequenceEncoder(torch.nn.Module):
    """Transformer encoder for padded token-id sequences.

    One pre-norm self-attention layer over the tokens, a mean over the real
    (non-padding) positions, then a projection to ``latent_dim`` and a layer
    norm, as in :class:`DenseEncoder`. A Transformer rather than a GRU: its
    work is a few large matrix products instead of a loop over time steps,
    several times faster on CPUs for the same quality at these sizes.

    Parameters
    ----------
    embedding : torch.nn.Embedding
        Word embeddings (shared with the decoders), ``padding_idx`` set.
    latent_dim : int
        Model width and output width ``d``.
    n_heads : int
        Attention heads.
    hidden_dim : int
        Width of the feed-forward block.
    max_length : int
        Longest sequence (positions).
    """

    def __init__(self, embedding, latent_dim, n_heads, hidden_dim, max_length):
        super().__init__()
        self.pad_id = embedding.padding_idx
        self.tokens = PositionalTokenEmbedding(embedding, latent_dim, max_length)
        self.layer = torch.nn.TransformerEncoderLayer(
            latent_dim, n_heads, hidden_dim, dropout=0.0, batch_first=True, norm_first=True)
        self.proj = torch.nn.Sequential(torch.nn.Linear(latent_dim, latent_dim),
                                        torch.nn.LayerNorm(latent_dim))

    def forward(self, ids):
        ids = ids[:, :max(int((ids != self.pad_id).sum(1).max()), 1)]
        padding = ids == self.pad_id
        states = self.layer(self.tokens(ids), src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).to(states.dtype)
        pooled = (states * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.proj(pooled)
