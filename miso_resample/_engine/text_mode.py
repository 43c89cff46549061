"""Text mode of ``MISOSampler``: a column of texts in, new anchor texts out.

Same interface as :class:`miso_resample._engine.dense_mode.DenseMode`. Difficult
samples are found on TF-IDF vectors with cosine distance, and majority partners
are searched there too. The text decoder (:mod:`miso_resample.decoders`) owns
the rest: what the network runs on (sentence vectors, token ids), its encoder
and decoders, and how an anchor becomes text (an edit of the source, a
language model's rewrite, or word-by-word decoding).
"""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..decoders._base import TextContext
from ..difficulty import find_difficult_samples
from ..utils.vocabulary import given_words
from .dense_mode import ModeData, miso_module

__all__ = ["TextMode"]


class TextMode:
    """Texts: TF-IDF difficulty, then the text decoder.

    Parameters
    ----------
    params : namespace
        The sampler's parameters resolved for this fit (``params.decoder`` is a
        text decoder).
    """

    name = "text"

    def __init__(self, params):
        self.params = params

    @staticmethod
    def check_X_y(sampler, X, y):
        """Labels as imbalanced-learn does. The texts were checked once, row by row, by
        the sampler (:func:`~miso_resample.utils.text_input.check_texts`)."""
        from imblearn.utils import check_target_type
        from sklearn.utils.validation import check_consistent_length, column_or_1d

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = column_or_1d(y)
        check_consistent_length(X, y)
        return np.asarray(X, dtype=object), y, binarize_y

    def prepare(self, X, y, targets, rng):
        p = self.params
        seed = int(rng.randint(np.iinfo(np.int32).max))
        context = TextContext(list(X), seed, p.batch_size, p.device, p.verbose)
        inputs, state, words = p.decoder.represent(X, y, context)
        # the decoder's one tokenisation of the texts also gives the TF-IDF words
        features = TfidfVectorizer(analyzer=given_words, sublinear_tf=True).fit_transform(words)
        difficult = find_difficult_samples(features, y, k_neighbors=p.k_neighbors,
                                           minority_class=list(targets), metric="cosine")
        return ModeData(inputs, difficult, state, features=features, metric="cosine")

    def build_module(self, data):
        return miso_module(self.params, data)

    def generate(self, net, data, source, partners, rng):
        """Anchor texts and how many had to be re-drawn because they copied a text."""
        return self.params.decoder.render(net, data, source, partners, rng)

    def assemble(self, X, y, anchors, labels, data):
        new_texts = [t for block in anchors for t in block]
        X_res = np.asarray(list(X) + new_texts, dtype=object)
        return X_res, (np.hstack([y, *labels]) if labels else y)
