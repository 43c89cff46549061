"""What a fine-tuned encoder computes only once per process: its pristine weights, and
the frozen bottom's states of every text it has seen.

A benchmark fits :class:`~miso_resample.classifiers.TransformerClassifier` on
many folds of one setting. Its embeddings and bottom layers are frozen, so the
states they give a text never change: they are kept here, keyed by the model, the
layer and the text's token ids, and a later fit or prediction runs only the
trainable top on them (new anchor texts pass through the bottom once). The
loaded model is kept too, and each fit trains a deep copy of it instead of
reading the weights from disk again.

The state cache holds at most ``MAX_BYTES`` (least recently used states go
first); :func:`clear` empties both.
"""

import copy
import functools
from collections import OrderedDict

import torch

__all__ = ["pristine_encoder", "bottom_states", "clear", "MAX_BYTES"]

MAX_BYTES = 2 * 1024 ** 3
_STATES = OrderedDict()          # (model key, layer, token ids) -> states (length, hidden)
_SIZE = [0]


@functools.lru_cache(maxsize=2)
def _loaded(model_path, pooling, max_length):
    from ..embeddings import TransformerEmbedder

    loader = TransformerEmbedder(model_path=model_path, pooling=pooling,
                                 max_length=max_length, device="cpu").fit()
    return loader.model_, loader.tokenizer_, loader.pooling_


def pristine_encoder(model_path, pooling, max_length, device):
    """``(model, tokenizer, pooling)``: a fresh deep copy of the loaded model, on
    ``device``, and the shared tokenizer; the model is read from disk once."""
    model, tokenizer, resolved = _loaded(None if model_path is None else str(model_path),
                                         pooling, max_length)
    return copy.deepcopy(model).to(device), tokenizer, resolved


def _store(key, states):
    _STATES[key] = states
    _SIZE[0] += states.numel() * states.element_size()
    while _SIZE[0] > MAX_BYTES and len(_STATES) > 1:
        _, old = _STATES.popitem(last=False)
        _SIZE[0] -= old.numel() * old.element_size()


def bottom_states(model_key, layer, input_ids, mask, compute, hidden):
    """States (n, width, hidden) entering ``layer`` for padded ``input_ids``; zeros at
    padding. Rows already seen come from the cache; the rest go through
    ``compute(rows)`` (which returns their states, padded like ``input_ids[rows]``)."""
    keys = [(model_key, layer, tuple(ids[m.bool()].tolist())) for ids, m in zip(input_ids, mask)]
    states = torch.zeros(*input_ids.shape, hidden)
    first = {}                                   # each new text once, even if repeated
    for i, key in enumerate(keys):
        if key in _STATES:                       # read before any eviction below
            _STATES.move_to_end(key)
            states[i, mask[i].bool()] = _STATES[key]
        else:
            first.setdefault(key, i)
    if first:
        fresh = dict(zip(first, compute(torch.tensor(list(first.values())))))
        for key, i in first.items():
            fresh[key] = fresh[key][mask[i].bool()].clone()
        for i, key in enumerate(keys):
            if key in fresh:
                states[i, mask[i].bool()] = fresh[key]
        for key, row_states in fresh.items():
            _store(key, row_states)
    return states


def clear():
    """Forget every cached state and loaded model."""
    _STATES.clear()
    _SIZE[0] = 0
    _loaded.cache_clear()
