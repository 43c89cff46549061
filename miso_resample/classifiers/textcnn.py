"""``TextCNNClassifier``: Kim (2014) on raw texts, as a scikit-learn classifier."""

import numbers

from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval

from ._base import SHARED_PARAMETERS_DOC, BaseTextClassifier
from .modules import TextCNNModule

__all__ = ["TextCNNClassifier"]


@Substitution(shared_parameters=SHARED_PARAMETERS_DOC.strip())
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
    {shared_parameters}
    """

    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "kernel_sizes": [tuple, list],
        "n_filters": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(self, *, kernel_sizes=(3, 4, 5), n_filters=100, dropout=0.5,
                 loss="cross_entropy", class_weight=None, long_tail=None,
                 max_length=64, max_vocab_size=20000, word_vectors="auto", max_epochs=10,
                 max_steps=None, batch_size=64, lr=1e-3, random_state=None, device="auto",
                 callbacks=None, verbose=0, embeddings="deprecated"):
        self.kernel_sizes = kernel_sizes
        self.n_filters = n_filters
        self.dropout = dropout
        super().__init__(loss=loss, class_weight=class_weight, long_tail=long_tail,
                         max_length=max_length, max_vocab_size=max_vocab_size,
                         word_vectors=word_vectors, max_epochs=max_epochs,
                         max_steps=max_steps, batch_size=batch_size, lr=lr,
                         random_state=random_state, device=device, callbacks=callbacks,
                         verbose=verbose,
                         embeddings=embeddings)

    def _module(self, vocab_size, n_classes, pad_id, embedding_weights):
        return TextCNNModule(vocab_size, n_classes, kernel_sizes=tuple(self.kernel_sizes),
                             n_filters=self.n_filters, dropout=self.dropout, pad_id=pad_id,
                             embedding_weights=embedding_weights)
