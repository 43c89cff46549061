"""Torch side of ``TransformerClassifier``: the fine-tuned encoder, TMix and the skorch net.

Architectures (``encoder_kind``):

* ``"bert"``: BERT-family encoders with ``model.embeddings`` and
  ``model.encoder.layer`` (BERT, MiniLM, RoBERTa, ...). The layers can be run
  one by one, so the frozen bottom is cached and TMix is supported.
* ``"xlnet"``: ``model.word_embedding`` and ``model.layer``. XLNet's layers
  take two-stream relative-attention inputs built inside ``XLNetModel``, so
  the full model runs on every step (gradients only reach the top layers) and
  TMix is not supported.
"""

import torch
from skorch import NeuralNetClassifier
from skorch.dataset import unpack_data
from skorch.utils import to_tensor

__all__ = ["encoder_kind", "encoder_layers", "pool_states", "real_columns", "trim_padding",
           "length_batches", "TransformerClassifierModule", "TransformerNet"]


def encoder_kind(model):
    """``"bert"``, ``"xlnet"`` or None (an architecture this classifier does not support)."""
    config = model.config
    if getattr(config, "is_decoder", False) or getattr(config, "is_encoder_decoder", False):
        return None
    if getattr(config, "model_type", None) == "xlnet" and hasattr(model, "layer") \
            and hasattr(model, "word_embedding"):
        return "xlnet"
    if hasattr(model, "embeddings") and isinstance(
            getattr(getattr(model, "encoder", None), "layer", None), torch.nn.ModuleList):
        return "bert"
    return None


def encoder_layers(model):
    """The transformer layers of a supported encoder, bottom first."""
    return model.layer if encoder_kind(model) == "xlnet" else model.encoder.layer


def pool_states(states, mask, pooling):
    """Pool token states (n, length, hidden) under a 0/1 mask (n, length): mean, cls or last."""
    if pooling == "cls":
        return states[:, 0]
    if pooling == "last":
        # index of the last real token, whichever side the tokenizer pads on
        positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
        last = (positions * mask).argmax(dim=1)
        return states[torch.arange(states.shape[0], device=states.device), last]
    weights = mask.unsqueeze(-1).to(states.dtype)
    return (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def real_columns(mask):
    """Slice of the columns between the first and last that hold a real token in some row."""
    real = mask.bool().any(0).nonzero().flatten()
    if len(real) == 0:
        return slice(0, mask.shape[1])
    return slice(int(real[0]), int(real[-1]) + 1)


def trim_padding(mask, *tensors):
    """Drop the leading and trailing columns that are padding in every row of the batch."""
    cols = real_columns(mask)
    if cols.start == 0 and cols.stop == mask.shape[1]:
        return (mask, *tensors)
    return (mask[:, cols], *(t[:, cols] for t in tensors))


def length_batches(mask, batch_size):
    """Row indices in batches of similar token counts (longest first): little padding."""
    order = torch.argsort(mask.sum(1), descending=True, stable=True)
    return torch.split(order, batch_size)


class TransformerClassifierModule(torch.nn.Module):
    """A Hugging Face encoder, pooling and a linear head; the bottom may be frozen.

    Parameters
    ----------
    encoder : transformers.PreTrainedModel
        ``encoder_kind(encoder)`` must not be None.
    n_classes : int
    first_trainable : int or None
        Layers ``first_trainable`` and above (and the head) train; the
        embeddings and the layers below are frozen (no gradients, eval mode).
        None: everything trains, the embeddings included.
    mix_layer : int or None
        TMix mixes the hidden states entering layer ``mix_layer`` (0: the
        embeddings; ``n_layers``: the last layer's output). None: no TMix.
    pooling : {"mean", "cls", "last"}
    dropout : float
        Dropout on the pooled state before the head.
    """

    def __init__(self, encoder, n_classes, *, first_trainable, mix_layer, pooling, dropout):
        super().__init__()
        self.encoder = encoder
        self.kind = encoder_kind(encoder)
        self.n_layers = len(self.layers)
        self.first_trainable = first_trainable
        self.mix_layer = mix_layer
        self.pooling = pooling
        config = encoder.config
        hidden = config.d_model if self.kind == "xlnet" else config.hidden_size
        self.head_dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(hidden, n_classes)
        self.encoder.requires_grad_(first_trainable is None)
        if first_trainable is not None:
            for layer in self.layers[first_trainable:]:
                layer.requires_grad_(True)
        if getattr(self.encoder, "pooler", None) is not None:
            self.encoder.pooler.requires_grad_(False)     # unused: the head pools itself

    @property
    def layers(self):
        return encoder_layers(self.encoder)

    @property
    def cache_layer(self):
        """Layer whose input the training cache holds; None when nothing is frozen."""
        return None if self.kind == "xlnet" else self.first_trainable

    def frozen_modules(self):
        """The frozen bottom: kept in eval mode (no dropout) even while training."""
        if self.first_trainable is None:
            return []
        bottom = list(self.layers[:self.first_trainable])
        if self.kind == "xlnet":
            # XLNet's one model-level dropout acts on the embeddings (and the output)
            return [self.encoder.word_embedding, self.encoder.dropout] + bottom
        return [self.encoder.embeddings] + bottom

    def train(self, mode=True):
        super().train(mode)
        for module in self.frozen_modules():
            module.train(False)
        return self

    def embed(self, input_ids):
        """BERT-family embeddings: the states entering layer 0."""
        return self.encoder.embeddings(input_ids=input_ids)

    def run_layers(self, states, attention_mask, start, stop):
        """Run BERT-family layers ``start`` to ``stop - 1`` on ``states``."""
        if start >= stop:
            return states
        from transformers.masking_utils import create_bidirectional_mask

        # the model's own mask builder, as BertModel.forward (eager, sdpa, ...)
        mask = create_bidirectional_mask(config=self.encoder.config, inputs_embeds=states,
                                         attention_mask=attention_mask)
        for layer in self.layers[start:stop]:
            out = layer(states, mask)
            states = out[0] if isinstance(out, tuple) else out
        return states

    def encode_bottom(self, input_ids, attention_mask):
        """States entering layer ``cache_layer`` (call under ``torch.no_grad()``, eval)."""
        return self.run_layers(self.embed(input_ids), attention_mask, 0, self.cache_layer)

    def classify(self, states, attention_mask):
        """Pool the last layer's states and apply the head: logits (n, n_classes)."""
        pooled = pool_states(states, attention_mask, self.pooling)
        return self.head(self.head_dropout(pooled))

    def _entry(self, attention_mask, input_ids, states):
        """Trimmed mask, entry states and the index of the layer they enter."""
        if states is not None:
            attention_mask, states = trim_padding(attention_mask, states)
            return attention_mask, states, self.cache_layer
        attention_mask, input_ids = trim_padding(attention_mask, input_ids)
        return attention_mask, self.embed(input_ids), 0

    def forward(self, attention_mask, input_ids=None, states=None):
        """Logits from token ids (the full model) or from cached states (the trainable top)."""
        if self.kind == "xlnet":
            attention_mask, input_ids = trim_padding(attention_mask, input_ids)
            out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
            return self.classify(out.last_hidden_state, attention_mask)
        attention_mask, states, start = self._entry(attention_mask, input_ids, states)
        states = self.run_layers(states, attention_mask, start, self.n_layers)
        return self.classify(states, attention_mask)

    def tmix_forward(self, lam, permutation, attention_mask, input_ids=None, states=None):
        """TMix (Chen et al. 2020): mix the states of text i and text ``permutation[i]``.

        Both run up to layer ``mix_layer``; then ``h = lam h_i + (1 - lam) h_j``
        goes through the remaining layers and the head. The mixed attention
        mask is the union of the masks of the texts that contribute: with
        ``lam == 1`` only text i does, and the result is the plain forward.
        """
        lam = float(lam)
        if self.mix_layer is None:
            raise ValueError("TMix needs a BERT-family encoder and a mix_layer.")
        attention_mask, states, start = self._entry(attention_mask, input_ids, states)
        if self.mix_layer < start:
            raise ValueError(f"mix_layer={self.mix_layer} lies below the first layer that "
                             f"runs here ({start}).")
        states = self.run_layers(states, attention_mask, start, self.mix_layer)
        states = lam * states + (1.0 - lam) * states[permutation]
        if lam < 1.0:
            attention_mask = torch.maximum(attention_mask, attention_mask[permutation])
        states = self.run_layers(states, attention_mask, self.mix_layer, self.n_layers)
        return self.classify(states, attention_mask)


class TransformerNet(NeuralNetClassifier):
    """skorch classifier over ``TransformerClassifierModule``; TMix when ``mix_alpha`` is set.

    Only parameters that require gradients reach the optimizer. With
    ``mix_alpha``, each training batch draws ``lam ~ Beta(mix_alpha, mix_alpha)``,
    ``lam = max(lam, 1 - lam)`` and a random permutation ``j`` of the batch
    (from torch's RNG), and the loss is
    ``lam * L(out, y) + (1 - lam) * L(out, y[j])``.
    """

    def __init__(self, module, *args, mix_alpha=None, **kwargs):
        super().__init__(module, *args, **kwargs)
        self.mix_alpha = mix_alpha

    def get_all_learnable_params(self):
        for name, param in super().get_all_learnable_params():
            if param.requires_grad:
                yield name, param

    def draw_mix(self, n):
        """``(lam, permutation)`` for a batch of ``n`` texts."""
        alpha = torch.tensor(float(self.mix_alpha))
        lam = float(torch.distributions.Beta(alpha, alpha).sample())
        return max(lam, 1.0 - lam), torch.randperm(n)

    def train_step_single(self, batch, **fit_params):
        if self.mix_alpha is None:
            return super().train_step_single(batch, **fit_params)
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        yi = to_tensor(yi, device=self.device)
        lam, permutation = self.draw_mix(len(yi))
        permutation = permutation.to(self.device)
        y_pred = self.module_.tmix_forward(lam, permutation,
                                           **to_tensor(Xi, device=self.device))
        loss = lam * self.get_loss(y_pred, yi, X=Xi, training=True) \
            + (1.0 - lam) * self.get_loss(y_pred, yi[permutation], X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}
