"""A small MLP on dense features: the ``embedding-mlp`` backbone of the benchmark.

Frozen sentence embeddings feed a linear classifier on the ``embedding``
backbone, where any over-sampler acts much like a shift of the threshold. A
trainable network on the same features is cheap, yet it learns from the
anchors, so it asks whether MISO's re-embedding helps with many folds. It
takes the text classifiers' losses, class weights and step budgets.
"""

import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.devices import resolve_device, seeded_torch
from .budget import optimizer_steps, step_schedule
from .losses import LOSSES, make_criterion

__all__ = ["DenseMLPClassifier"]


def _mlp(n_features, n_classes, hidden_dims, dropout):
    layers, width = [], n_features
    for hidden in hidden_dims:
        layers += [torch.nn.Linear(width, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout)]
        width = hidden
    return torch.nn.Sequential(*layers, torch.nn.Linear(width, n_classes))


class DenseMLPClassifier(ClassifierMixin, BaseEstimator):
    """A multi-layer perceptron on dense features, trained with Adam through skorch.

    Parameters
    ----------
    hidden_dims : tuple of int, default=(256,)
        Widths of the hidden ReLU layers.
    dropout : float, default=0.2
        Dropout after each hidden layer.
    loss : {"cross_entropy", "focal", "dice", "logit_adjusted"}, default="cross_entropy"
        Training loss (:func:`miso_resample.classifiers.losses.make_criterion`);
        ``"logit_adjusted"`` adds the training labels' log priors to the logits
        in training only (Menon et al. 2021).
    class_weight : "balanced", dict or None, default=None
        Weight each class by ``n_samples / (n_classes * n_c)`` in the loss
        (``"balanced"``), or by ``{class: weight}``.
    max_epochs : int, default=30
    max_steps : int or None, default=None
        Train for exactly this many optimizer steps instead of ``max_epochs``
        epochs (equal budgets for methods that resample the training set).
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam learning rate.
    weight_decay : float, default=1e-4
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and dropout; the global torch RNG is
        left untouched.
    device : str, default="auto"
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda[:N]"``.
    verbose : int, default=0
        skorch's epoch table when positive.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    net_ : skorch.NeuralNet
    n_train_steps_ : int
        Optimizer steps the training took.
    """

    _parameter_constraints = {
        "hidden_dims": [tuple, list],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "loss": [StrOptions(set(LOSSES))],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(self, *, hidden_dims=(256,), dropout=0.2, loss="cross_entropy",
                 class_weight=None, max_epochs=30, max_steps=None, batch_size=64, lr=1e-3,
                 weight_decay=1e-4, random_state=None, device="auto", verbose=0):
        self.hidden_dims = hidden_dims
        self.dropout = dropout
        self.loss = loss
        self.class_weight = class_weight
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def fit(self, X, y):
        """Train the network on dense ``X`` (n_samples, n_features) and labels ``y``."""
        from skorch import NeuralNet

        self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("The target has 1 class; a classifier needs two or more.")
        device = resolve_device(self.device)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        weight = None if self.class_weight is None else torch.as_tensor(
            compute_class_weight(self.class_weight, classes=self.classes_, y=y),
            dtype=torch.float32)
        with seeded_torch(seed):
            net = NeuralNet(
                _mlp(X.shape[1], len(self.classes_), tuple(self.hidden_dims), self.dropout),
                criterion=make_criterion(self.loss, weight=weight, y=y_enc,
                                         n_classes=len(self.classes_)),
                optimizer=torch.optim.Adam, lr=self.lr,
                optimizer__weight_decay=self.weight_decay, batch_size=self.batch_size,
                **step_schedule(len(y_enc), self.batch_size, self.max_epochs, self.max_steps),
                train_split=None, device=device, verbose=int(self.verbose),
                predict_nonlinearity=None,             # raw logits; softmax below
                torch_load_kwargs={"weights_only": True})
            net.fit(X, y_enc.astype(np.int64))
        self.net_, self.n_train_steps_ = net, optimizer_steps(net)
        return self

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), in ``classes_`` order."""
        check_is_fitted(self, "net_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        logits = torch.as_tensor(self.net_.predict_proba(X))
        return torch.softmax(logits, dim=-1).numpy()

    def predict(self, X):
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
