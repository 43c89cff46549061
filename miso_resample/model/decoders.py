"""Decoders of the coupled adversarial generator (paper, section 4.2, "CAG").

The minority decoder ``De_|psi+`` is *guided by the latent variable*: it reads
the disentangled representation ``z``; the majority decoder ``De_|psi-`` is a
standard decoder that reads ``K``. A decoder module provides:

* ``forward(latent, target=None)``: a differentiable output (teacher-forced
  when ``target`` is given, for sequence decoders);
* ``reconstruction_loss(output, target)``;
* ``discriminator_view(output, target)`` and ``real_view(target)``: what the
  discriminator sees of a generated and of a real sample, in one space, so
  that the adversarial gradient reaches the generator (``target`` is the real
  sample the output was decoded for, e.g. to mask padding);
* ``generate(latent, source=None)``: the final sample (a vector here);
  ``source`` is the real sample the latent was computed from (decoders that
  edit their source need it);
* ``view_dim``: the width of ``discriminator_view``, used to size the
  discriminator.
"""

import torch

__all__ = ["DenseDecoder", "AutoregressiveDecoder", "nucleus"]


def nucleus(logits, top_p):
    """Logits outside the top-``top_p`` nucleus set to -inf (the argmax always stays)."""
    probs = torch.softmax(logits, dim=-1)
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    before = sorted_probs.cumsum(dim=-1) - sorted_probs       # mass of the better tokens
    drop_sorted = before >= top_p
    drop_sorted[..., 0] = False
    drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
    return logits.masked_fill(drop, float("-inf"))


class DenseDecoder(torch.nn.Module):
    """MLP decoder from a latent vector back to the (standardised) feature space.

    With ``residual=True`` the decoder edits its source instead of rebuilding
    it: ``output = source + g(z)``, with ``g`` the MLP (its last layer starts at
    zero, so the first anchors are the sources themselves). The reconstruction
    loss then costs the *step* an anchor takes from its source, not its
    distance from an imperfect reconstruction: anchors are not shrunk toward
    the centre of the data by an underfitted decoder (see ``docs/design.md``).

    Parameters
    ----------
    latent_dim : int
        Input width.
    n_features : int
        Output width.
    hidden_dim : int, default=256
        Width of the hidden layer.
    residual : bool, default=False
        Decode ``source + g(z)`` instead of ``g(z)``.
    """

    def __init__(self, latent_dim, n_features, hidden_dim=256, residual=False):
        super().__init__()
        self.view_dim = n_features  # width of `discriminator_view`
        self.residual = residual
        self.net = torch.nn.Sequential(
            torch.nn.Linear(latent_dim, hidden_dim),
            torch.nn.GELU(),
            torch.nn.Linear(hidden_dim, n_features),
        )
        if residual:
            torch.nn.init.zeros_(self.net[-1].weight)
            torch.nn.init.zeros_(self.net[-1].bias)

    def forward(self, latent, target=None):
        step = self.net(latent)
        return target + step if self.residual else step

    def reconstruction_loss(self, output, target):
        return torch.nn.functional.mse_loss(output, target)

    def discriminator_view(self, output, target=None):
        return output

    def real_view(self, target):
        return target

    def generate(self, latent, source=None):
        if self.residual and source is None:
            raise ValueError("A residual decoder needs the source of each latent.")
        return self.forward(latent, source)


class AutoregressiveDecoder(torch.nn.Module):
    """Causal Transformer decoder conditioned on a latent vector (section 4.2).

    ``y_ij = argmax p(y_ij | y_i,<j, z_i)``: the latent ``z`` is projected and
    added to every input position of a causal self-attention layer, so each
    next-token distribution depends on ``z`` and on the tokens before it.
    Training is teacher-forced; :meth:`generate` decodes greedily (the paper's
    argmax) or samples with a temperature and an optional top-k cut. The output
    layer is tied to the word embeddings (Press & Wolf 2017).

    What the discriminator sees (a documented choice, the paper does not say):
    for a generated sequence, the *expected embedding* at each position under
    the teacher-forced next-token distribution (``softmax(logits) @ E``, with
    ``E`` the detached word-embedding table); for a real sequence, the
    embeddings of its tokens. Both are zero at padding positions. Expected
    embeddings keep the adversarial loss differentiable with respect to the
    decoder, like a Gumbel-softmax relaxation, but without its sampling noise
    (and its cost: drawing Gumbel noise over the vocabulary at every position
    was most of a training step on CPU); detaching the table stops the
    adversarial game from reshaping the shared embeddings.

    Parameters
    ----------
    embedding : torch.nn.Embedding
        Word embeddings shared with the encoder (``padding_idx`` set).
    latent_dim : int
        Width of the conditioning vector and of the layer.
    n_heads : int
        Attention heads.
    hidden_dim : int
        Width of the feed-forward block.
    max_length : int
        Length of the padded sequences (``[EOS]`` included).
    bos_id, eos_id : int
        Ids of ``[BOS]`` and ``[EOS]``.
    banned_ids : sequence of int, default=()
        Tokens never generated (``[PAD]`` and ``[BOS]`` always are; pass ``[UNK]``).
    """

    def __init__(self, embedding, latent_dim, n_heads, hidden_dim, max_length, bos_id, eos_id,
                 banned_ids=()):
        super().__init__()
        from .encoders import PositionalTokenEmbedding

        self.embedding = embedding
        self.pad_id = embedding.padding_idx
        self.bos_id, self.eos_id = bos_id, eos_id
        self.banned_ids = sorted({self.pad_id, bos_id, *banned_ids})
        self.max_length = max_length
        self.view_dim = max_length * embedding.embedding_dim
        self.tokens = PositionalTokenEmbedding(embedding, latent_dim, max_length)
        self.condition = torch.nn.Linear(latent_dim, latent_dim)
        self.layer = torch.nn.TransformerEncoderLayer(
            latent_dim, n_heads, hidden_dim, dropout=0.0, batch_first=True, norm_first=True)
        self.norm = torch.nn.LayerNorm(latent_dim)
        self.out_proj = torch.nn.Linear(latent_dim, embedding.embedding_dim)
        self.out_bias = torch.nn.Parameter(torch.zeros(embedding.num_embeddings))

    def _states(self, inputs, latent):
        length = inputs.shape[1]
        causal = torch.nn.Transformer.generate_square_subsequent_mask(
            length, device=inputs.device, dtype=latent.dtype)
        x = self.tokens(inputs) + self.condition(latent)[:, None, :]
        return self.norm(self.layer(x, src_mask=causal, is_causal=True))

    def _scores(self, states):
        return self.out_proj(states) @ self.embedding.weight.T + self.out_bias

    def forward(self, latent, target):
        """Teacher-forced next-token logits at the real (non-padding) positions.

        Returns ``(logits, mask)``: ``logits`` of shape (n_real_tokens, vocab)
        for the positions where ``mask`` (batch, length) is True. Padding
        positions are never scored: the vocabulary-sized layer dominates the
        cost, and texts are often much shorter than ``max_length``.
        """
        mask = target != self.pad_id
        length = max(int(mask.sum(1).max()), 1)
        target, mask = target[:, :length], mask[:, :length]
        bos = torch.full_like(target[:, :1], self.bos_id)
        states = self._states(torch.cat([bos, target[:, :-1]], dim=1), latent)
        return self._scores(states[mask]), mask

    def reconstruction_loss(self, output, target):
        logits, mask = output
        return torch.nn.functional.cross_entropy(logits, target[:, :mask.shape[1]][mask])

    def discriminator_view(self, output, target):
        logits, mask = output
        soft = torch.softmax(logits, dim=-1)
        view = soft.new_zeros(mask.shape[0], self.max_length, self.embedding.embedding_dim)
        expected = soft @ self.embedding.weight.detach()
        view[:, :mask.shape[1]][mask] = expected.to(view.dtype)   # bf16 autocast: match
        return view

    def real_view(self, target):
        mask = (target != self.pad_id).unsqueeze(-1).to(self.embedding.weight.dtype)
        return self.embedding(target).detach() * mask

    @torch.no_grad()
    def generate(self, latent, source=None, *, decoding="greedy", temperature=1.0,
                 top_k=None, top_p=None, max_length=None):
        """Token ids of shape (batch, max_length), ``[EOS]``-terminated, ``[PAD]`` after.

        ``source`` is not used: this decoder writes from ``z`` alone.

        ``decoding="greedy"`` takes the argmax at each step; ``"sample"`` draws
        from ``softmax(logits / temperature)``, restricted to the ``top_k``
        most likely tokens and to the nucleus of probability ``top_p``
        (Holtzman et al. 2020: the fewest most likely tokens whose probabilities
        add up to ``top_p``; as ``top_p`` goes to 0, only the argmax is left).
        Generated anchors are never empty, and the banned tokens (``[PAD]``,
        ``[BOS]``, ``[UNK]``) never appear.
        """
        max_length = min(max_length or self.max_length, self.max_length)
        batch = latent.shape[0]
        ids = torch.full((batch, self.max_length), self.pad_id, dtype=torch.long,
                         device=latent.device)
        inputs = torch.full((batch, 1), self.bos_id, dtype=torch.long, device=latent.device)
        done = torch.zeros(batch, dtype=torch.bool, device=latent.device)
        for step in range(max_length):
            logits = self._scores(self._states(inputs, latent)[:, -1])
            logits[:, self.banned_ids] = float("-inf")
            if step == max_length - 1:                 # the last slot is always [EOS]
                logits.fill_(float("-inf"))
                logits[:, self.eos_id] = 0.0
            elif step == 0:                            # anchors are never empty
                logits[:, self.eos_id] = float("-inf")
            if decoding == "greedy":
                token = logits.argmax(-1)
            else:
                logits = logits / temperature
                if top_k is not None and top_k < logits.shape[-1]:
                    cut = logits.topk(top_k, dim=-1).values[:, -1:]
                    logits = logits.masked_fill(logits < cut, float("-inf"))
                if top_p is not None:
                    logits = nucleus(logits, top_p)
                token = torch.multinomial(torch.softmax(logits, -1), 1)[:, 0]
            ids[:, step] = torch.where(done, torch.full_like(token, self.pad_id), token)
            done |= token == self.eos_id
            if done.all():
                break
            inputs = torch.cat([inputs, token[:, None]], dim=1)
        return ids
