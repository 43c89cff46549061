"""Decoding steps that share each prompt's key/value cache among its samples.

A decoding step of :func:`~._generation.sample_continuations` on a CPU costs about as
much in the key/value cache as in the weights once prompts are long: with 256 rows
and SmolLM2-135M on 2 threads, 0.63 s per step with 8 cached tokens, 1.73 s with 200
and 2.59 s with 300 (``benchmarks/README.md``). A ``DynamicCache`` holds one copy of
the prompt for every row and copies the whole cache again at every step
(``torch.cat``). Here the prompt's keys and values are kept **once per prompt**, the
new tokens' in a preallocated buffer per row, and each attention is split into the
prompt part (one batched product per prompt for all its rows) and the row's own part,
joined in one softmax. The result is the same attention, up to float rounding.

Only for Llama-architecture models (SmolLM2, the tiny random Llama of the tests):
:func:`supports_shared_prefix` says when; other models take the ``DynamicCache`` path.
"""

import torch

__all__ = ["supports_shared_prefix", "SharedPrefixState", "decode_step"]


def supports_shared_prefix(model):
    """Whether ``model`` is a Llama whose layers :func:`decode_step` can run."""
    config = getattr(model, "config", None)
    inner = getattr(model, "model", None)
    return (getattr(config, "model_type", None) == "llama" and inner is not None
            and hasattr(inner, "rotary_emb") and hasattr(model, "lm_head")
            and not getattr(config, "attention_bias", False))


class SharedPrefixState:
    """The prompts' keys and values (once each), the rows' own, and which row is which.

    Built from the ``DynamicCache`` of the left-padded prompts' prefill; ``mask`` is
    their padding mask (``[n_prompts, prompt_len]``, 1 for real tokens).
    """

    def __init__(self, cache, mask, n_samples, max_new_tokens):
        self.prefix = [(layer.keys, layer.values) for layer in cache.layers]
        self.prefix_blocked = (mask == 0)[:, None, None, :]            # [P, 1, 1, Lp]
        n_prompts = mask.shape[0]
        self.n_samples = n_samples
        device = mask.device
        self.row_prompt = torch.arange(n_prompts, device=device).repeat_interleave(n_samples)
        self.row_slot = torch.arange(n_samples, device=device).repeat(n_prompts)
        keys = self.prefix[0][0]
        shape = (len(self.row_prompt), keys.shape[1], max_new_tokens, keys.shape[-1])
        self.own = [(keys.new_empty(shape), keys.new_empty(shape)) for _ in self.prefix]
        self.length = 0                                                 # own tokens so far

    def select(self, keep):
        """Keep only the rows ``keep`` (their prompts' keys are not copied): their own
        tokens so far move to the front of the same buffers."""
        self.row_prompt, self.row_slot = self.row_prompt[keep], self.row_slot[keep]
        filled, n = self.length, len(keep)
        for k, v in self.own:
            k[:n, :, :filled] = k[keep, :, :filled]
            v[:n, :, :filled] = v[keep, :, :filled]
        self.own = [(k[:n], v[:n]) for k, v in self.own]


def _grouped(values, state, n_prompts):
    """Rows' ``[B, Hkv, rep, X]`` scattered to their prompts: ``[P, Hkv, n*rep, X]``."""
    rows, kv_heads, rep, width = values.shape
    out = values.new_zeros(n_prompts, state.n_samples, kv_heads, rep, width)
    out[state.row_prompt, state.row_slot] = values
    return out.permute(0, 2, 1, 3, 4).reshape(n_prompts, kv_heads, -1, width)


def _rows(grouped, state):
    """Inverse of :func:`_grouped`: ``[P, Hkv, n*rep, X]`` back to ``[B, Hkv, rep, X]``."""
    n_prompts, kv_heads, _, width = grouped.shape
    per_prompt = grouped.view(n_prompts, kv_heads, state.n_samples, -1, width)
    return per_prompt[state.row_prompt, :, state.row_slot]


def _attention(query, layer, state, scaling):
    """One new token's attention over its prompt and its own tokens, ``[B, H*hd]``."""
    (prefix_k, prefix_v), (own_k, own_v) = state.prefix[layer], state.own[layer]
    rows, heads, _, head_dim = query.shape
    kv_heads = prefix_k.shape[1]
    q = query.view(rows, kv_heads, heads // kv_heads, head_dim)       # head h -> h // rep
    n_prompts = prefix_k.shape[0]
    prompt_scores = (_grouped(q, state, n_prompts) @ prefix_k.transpose(-1, -2)) * scaling
    prompt_scores = _rows(prompt_scores.masked_fill(state.prefix_blocked, float("-inf")),
                          state)
    own_k, own_v = own_k[:, :, :state.length], own_v[:, :, :state.length]
    own_scores = (q @ own_k.transpose(-1, -2)) * scaling
    weights = torch.softmax(torch.cat([prompt_scores, own_scores], dim=-1).float(),
                            dim=-1).to(q.dtype)
    split = prompt_scores.shape[-1]
    out = _rows(_grouped(weights[..., :split], state, n_prompts) @ prefix_v, state)
    out = out + weights[..., split:] @ own_v
    return out.reshape(rows, heads * head_dim)


def decode_step(model, state, tokens, positions, head=None):
    """Logits of the next token of every row after ``tokens`` ([B]) at ``positions``
    ([B, 1]); ``head``: rows of the output layer's weight to score (None: all)."""
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

    inner = model.model
    hidden = inner.embed_tokens(tokens[:, None])                      # [B, 1, d]
    cos, sin = inner.rotary_emb(hidden, positions)
    step = state.length
    state.length += 1
    for index, layer in enumerate(inner.layers):
        attn = layer.self_attn
        x = layer.input_layernorm(hidden)
        shape = (len(tokens), 1, -1, attn.head_dim)
        q = attn.q_proj(x).view(shape).transpose(1, 2)                # [B, H, 1, hd]
        k = attn.k_proj(x).view(shape).transpose(1, 2)
        v = attn.v_proj(x).view(shape).transpose(1, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        own_k, own_v = state.own[index]
        own_k[:, :, step] = k[:, :, 0]
        own_v[:, :, step] = v[:, :, 0]
        out = _attention(q, index, state, attn.scaling)
        hidden = hidden + attn.o_proj(out[:, None])
        hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
    hidden = inner.norm(hidden)[:, -1]
    return model.lm_head(hidden) if head is None else hidden @ head.T
