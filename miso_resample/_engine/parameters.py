"""The sampler's parameters resolved for one fit, checked against the data.

:func:`resolve_params` turns ``MISOSampler``'s parameters into what the engine
runs with: the decoder object (cloned and validated), the ``"auto"`` training
values of that decoder, and the device. It also carries the deprecations of
0.2: the decoder strings (``"edit"``, ``"pretrained"``, ``"scratch"``,
``"residual"``) and the flat decoder parameters that moved onto the decoder
objects keep working for one release, with a ``FutureWarning`` naming their new
place.
"""

import warnings
from types import SimpleNamespace

import numpy as np
from sklearn.base import clone

from ..decoders import EditDecoder, LanguageModelDecoder, ScratchDecoder, VectorDecoder
from ..decoders._rewriter import DEFAULT_PROMPT
from ..utils.devices import resolve_device

__all__ = ["MOVED_PARAMETERS", "MovedParametersMixin", "resolve_params", "check_class_sizes"]

# Flat parameters of MISOSampler before 0.2, with their old defaults. All but
# `pairing` (now `n_partners=None` for random partners) moved onto the decoders.
MOVED_PARAMETERS = {
    "max_length": 64, "max_vocab_size": 5000, "stop_words": None, "word_vectors": "auto",
    "decoding": "greedy", "temperature": 1.0, "top_k": None, "top_p": None,
    "edit_rate": 0.6, "splice_rate": 0.0, "distinct_edits": True,
    "language_model": "auto", "n_candidates": 4, "rewrite_prompt": DEFAULT_PROMPT,
    "latent_noise": 4.0, "adversarial_weight": "auto", "pairing": "nearest",
    "embeddings": "deprecated",
}
_DEFAULT_DECODERS = {"dense": VectorDecoder, "text": EditDecoder}
_DECODER_STRINGS = {
    "dense": {"residual": (VectorDecoder, {}), "scratch": (VectorDecoder, {"residual": False})},
    "text": {"edit": (EditDecoder, {}), "pretrained": (LanguageModelDecoder, {}),
             "scratch": (ScratchDecoder, {})},
}
_RENAMED = {"rewrite_prompt": "prompt", "embeddings": "word_vectors"}


class MovedParametersMixin:
    """``get_params`` / ``set_params`` that keep the deprecated flat parameters.

    They are stored as attributes only when given, so that ``clone`` carries
    them and a default sampler's ``get_params`` lists none of them.
    """

    def _set_moved_parameters(self, kwargs):
        unknown = sorted(set(kwargs) - set(MOVED_PARAMETERS))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments "
                            f"{unknown}.")
        for name, value in kwargs.items():
            setattr(self, name, value)

    def get_params(self, deep=True):
        """Parameters (with ``deep``, the decoder object's too, as ``decoder__...``);
        deprecated flat parameters only when they were given."""
        params = super().get_params(deep=deep)
        params.update({n: getattr(self, n) for n in MOVED_PARAMETERS if n in vars(self)})
        return params

    def set_params(self, **params):
        """Set parameters; ``decoder__edit_rate=...`` reaches the decoder object."""
        for name in [n for n in params if n in MOVED_PARAMETERS]:
            setattr(self, name, params.pop(name))
        return super().set_params(**params)


def _decoder_keywords(cls, moved):
    """The moved parameters given to the sampler, as keywords of decoder class ``cls``."""
    names = set(cls().get_params())
    kwargs = {}
    for name, value in moved.items():
        if name == "adversarial_weight" and value == "auto":
            continue
        target = _RENAMED.get(name, name)
        if target in names:
            kwargs[target] = value
    if cls is LanguageModelDecoder:
        if kwargs.get("top_p") is None:
            kwargs.pop("top_p", None)                   # None meant 0.9 here
        edit = {n: moved[n] for n in ("edit_rate", "splice_rate", "temperature") if n in moved}
        if edit:
            kwargs["fallback"] = EditDecoder(**edit)
    return kwargs


def _warn_moved(moved, decoder):
    names = set(decoder.get_params())
    for name in moved:
        target = _RENAMED.get(name, name)
        if name == "pairing":
            advice = "pass n_partners=None for random partners (n_partners=k: nearest) instead"
        elif target in names or (name in ("edit_rate", "splice_rate") and "fallback" in names):
            advice = f"pass decoder={type(decoder).__name__}({target}=...) instead"
        else:
            advice = f"it has no effect with {type(decoder).__name__}"
        warnings.warn(f"MISOSampler({name}=...) is deprecated since 0.2 and will be removed "
                      f"in 0.3; {advice}.", FutureWarning, stacklevel=4)


def resolve_decoder(decoder, mode, moved):
    """The decoder object of a fit in ``mode`` (a clone, validated)."""
    if isinstance(decoder, str):
        if decoder == "auto":
            cls, fixed = _DEFAULT_DECODERS[mode], {}
        elif decoder in _DECODER_STRINGS[mode]:
            cls, fixed = _DECODER_STRINGS[mode][decoder]
            warnings.warn(f"decoder={decoder!r} is deprecated since 0.2 and will be removed in "
                          f"0.3; pass decoder={cls.__name__}"
                          f"({', '.join(f'{k}={v!r}' for k, v in fixed.items())}) instead.",
                          FutureWarning, stacklevel=4)
        else:
            choices = ["auto", *_DECODER_STRINGS[mode]]
            raise ValueError(f"decoder={decoder!r} does not apply to {mode} mode; choose one "
                             f"of {choices} or a decoder object of miso_resample.decoders.")
        resolved = cls(**fixed, **_decoder_keywords(cls, moved))
    else:
        resolved = clone(decoder)
        if resolved.mode != mode:
            raise ValueError(f"decoder={decoder!r} is a {resolved.mode}-mode decoder, but X is "
                             f"{'a column of texts' if mode == 'text' else 'numeric'}; pass "
                             f"decoder='auto' or a {mode}-mode decoder.")
        resolved.set_params(**_decoder_keywords(type(resolved), moved))
    _warn_moved(moved, resolved)
    return resolved.check()


def resolve_params(sampler, mode):
    """The parameters a fit runs with: the decoder object, ``"auto"`` resolved for it,
    the moved parameters applied, and the device resolved once."""
    params = sampler.get_params(deep=False)
    moved = {n: params.pop(n) for n in MOVED_PARAMETERS if n in params}
    if moved.get("embeddings") == "deprecated":
        moved.pop("embeddings")
    params["decoder"] = resolve_decoder(params["decoder"], mode, moved)
    if moved.get("pairing") == "random":
        params["n_partners"] = None
    for name, value in params["decoder"].training_defaults.items():
        if params[name] == "auto":
            params[name] = value
    params["device"] = resolve_device(params["device"])
    return SimpleNamespace(**params)


def check_class_sizes(params, y, targets):
    """Every class to over-sample has at least 2 rows and more than ``k_neighbors``."""
    if params.latent_dim % params.n_heads:
        raise ValueError(f"latent_dim={params.latent_dim} must be a multiple of "
                         f"n_heads={params.n_heads}.")
    for cls in targets:
        n = int(np.sum(y == cls))
        if n < 2:
            raise ValueError(
                f"Class {cls!r} has a single sample: MISO needs at least 2 samples in "
                "every class to over-sample (and k_neighbors below that count).")
        if params.k_neighbors >= n:
            raise ValueError(
                f"k_neighbors={params.k_neighbors} must be smaller than the number of "
                f"samples of every class to over-sample; class {cls!r} has {n}. "
                "Lower k_neighbors.")
