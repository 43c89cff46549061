"""``TextRNNClassifier``: a bidirectional LSTM/GRU on raw texts, as a scikit-learn classifier."""

import numbers

from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import SHARED_PARAMETERS_DOC, BaseTextClassifier
from .modules import TextRNNModule

__all__ = ["TextRNNClassifier"]


@Substitution(shared_parameters=SHARED_PARAMETERS_DOC.strip())
class TextRNNClassifier(BaseTextClassifier):
    """Bidirectional recurrent text classifier (in the spirit of Liu et al. 2016), via skorch.

    Its own word-level vocabulary is fitted in ``fit``; the final states of
    both directions feed a linear layer.

    Parameters
    ----------
    hidden_dim : int, default=128
        Recurrent width per direction.
    cell : {{"lstm", "gru"}}, default="lstm"
    dropout : float, default=0.3
        Dropout on the final states.
    {shared_parameters}
    """

    _parameter_constraints = {
        **BaseTextClassifier._parameter_constraints,
        "hidden_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(self, *, hidden_dim=128, cell="lstm", dropout=0.3,
                 loss="cross_entropy", class_weight=None, long_tail=None,
                 max_length=64, max_vocab_size=20000, word_vectors="auto", max_epochs=10,
                 max_steps=None, batch_size=64, lr=1e-3, random_state=None, device="auto",
                 callbacks=None, verbose=0, embeddings="deprecated"):
        self.hidden_dim = hidden_dim
        self.cell = cell
        self.dropout = dropout
        super().__init__(loss=loss, class_weight=class_weight, long_tail=long_tail,
                         max_length=max_length, max_vocab_size=max_vocab_size,
                         word_vectors=word_vectors, max_epochs=max_epochs,
                         max_steps=max_steps, batch_size=batch_size, lr=lr,
                         random_state=random_state, device=device, callbacks=callbacks,
                         verbose=verbose,
                         embeddings=embeddings)

    def _module(self, vocab_size, n_classes, pad_id, embedding_weights):
        return TextRNNModule(vocab_size, n_classes, hidden_dim=self.hidden_dim, cell=self.cell,
                             dropout=self.dropout, pad_id=pad_id,
                             embedding_weights=embedding_weights)
