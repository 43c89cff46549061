"""``ScratchDecoder``: the paper's autoregressive decoder, anchors written word by word."""

import numbers
import warnings
from typing import NamedTuple

import torch
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval, StrOptions

from ..model import AutoregressiveDecoder, TransformerSequenceEncoder
from ..utils.glove import GLOVE_DIM, glove_matrix
from ..utils.vocabulary import TextVocabulary
from ._base import SHARED_DOCS, Representation, TextDecoder
from ._edit import MAX_REDRAWS

__all__ = ["ScratchDecoder"]


class TokenIds(NamedTuple):
    """The scratch decoder's state: texts, their vocabulary, initial word vectors."""

    texts: list
    vocabulary: TextVocabulary
    word_vectors: object            # (vocab_size, 50) GloVe rows, or None


@Substitution(**SHARED_DOCS)
class ScratchDecoder(TextDecoder):
    """The paper's decoder: each anchor is decoded word by word from ``z`` alone.

    A one-layer Transformer encoder and two causal Transformer decoders share
    one word-embedding table on a word-level vocabulary of the training texts
    (initialised from GloVe when installed), the output layer tied to it.
    Anchors never contain ``[UNK]``; one identical to its source is re-drawn by
    top-k sampling, up to five times.

    Parameters
    ----------
    max_length : int, default=64
        Tokens per text, ``[EOS]`` included (longer texts are truncated); also
        the longest anchor.

    max_vocab_size : int, default=5000
        Vocabulary size (most frequent words; the others become ``[UNK]``).

    decoding : {{"greedy", "sample"}}, default="greedy"
        Greedy decoding (the paper's argmax) or sampling.

    top_k : int or None, default=None
        ``decoding="sample"``: sample among the ``top_k`` most likely tokens.

    top_p : float in (0, 1] or None, default=None
        ``decoding="sample"``: sample from the nucleus of this probability
        (Holtzman et al. 2020).

    temperature : float, default=1.0
        ``decoding="sample"``: softmax temperature.

    {word_vectors}

    {stop_words}

    {latent_noise}

    adversarial_weight : float, default=0.1
        Weight of the adversarial terms next to the reconstruction term in
        each CAG loss.

    See Also
    --------
    EditDecoder : the default text decoder, whose anchors keep their source's form.

    Examples
    --------
    >>> from miso_resample import MISOSampler
    >>> from miso_resample.decoders import ScratchDecoder
    >>> sampler = MISOSampler(decoder=ScratchDecoder(decoding="sample", top_p=0.9))
    """

    anchors_are_vectors = False
    training_defaults = dict(max_epochs=3, pretrain_epochs=3, lr=1e-3, epoch_pairs=None)
    _parameter_constraints: dict = {
        **TextDecoder._parameter_constraints,
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "max_vocab_size": [Interval(numbers.Integral, 5, None, closed="left")],
        "decoding": [StrOptions({"greedy", "sample"})],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "top_p": [Interval(numbers.Real, 0, 1, closed="right"), None],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(self, *, max_length=64, max_vocab_size=5000, decoding="greedy", top_k=None,
                 top_p=None, temperature=1.0, word_vectors="auto", stop_words=None,
                 latent_noise=4.0, adversarial_weight=0.1):
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.decoding = decoding
        self.top_k = top_k
        self.top_p = top_p
        self.temperature = temperature
        self.word_vectors = word_vectors
        self.stop_words = stop_words
        self.latent_noise = latent_noise
        self.adversarial_weight = adversarial_weight

    def represent(self, X, y, context):
        """The token ids of the texts; GloVe rows for the embeddings when installed."""
        vocabulary = TextVocabulary(max_length=self.max_length,
                                    max_vocab_size=self.max_vocab_size,
                                    stop_words=self.stop_words)
        words = vocabulary.tokenize(context.texts)
        ids = vocabulary.fit_tokenized(words).transform_tokenized(words)
        word_vectors = None
        if self.uses_glove():
            tokens = [vocabulary.tokenizer_.id_to_token(i)
                      for i in range(vocabulary.vocab_size_)]
            word_vectors, _ = glove_matrix(tokens, random_state=context.seed)
            word_vectors[vocabulary.pad_id_] = 0.0
        return Representation(ids, TokenIds(context.texts, vocabulary, word_vectors), words)

    def build_parts(self, representation, params):
        v = representation.state.vocabulary
        embedding = torch.nn.Embedding(v.vocab_size_, GLOVE_DIM, padding_idx=v.pad_id_)
        if representation.state.word_vectors is not None:
            embedding.weight.data.copy_(torch.from_numpy(representation.state.word_vectors))
        width, heads, hidden = params.latent_dim, params.n_heads, params.hidden_dim

        def decoder():
            return AutoregressiveDecoder(embedding, width, heads, hidden, self.max_length,
                                         v.bos_id_, v.eos_id_, banned_ids=[v.unk_id_])
        return (TransformerSequenceEncoder(embedding, width, heads, hidden, self.max_length),
                decoder(), decoder())

    def render(self, net, data, source, partners, rng):
        """Decode anchors word by word; one identical to its source is re-drawn."""
        ids, vocabulary, texts = data.inputs, data.state.vocabulary, data.state.texts
        options = dict(decoding=self.decoding, temperature=self.temperature, top_k=self.top_k,
                       top_p=self.top_p)
        anchors = vocabulary.inverse_transform(net.generate(ids[source], ids[partners],
                                                            **options))
        originals = vocabulary.inverse_transform(ids[source])
        resample = dict(decoding="sample", temperature=max(1.0, self.temperature),
                        top_k=self.top_k or 50)

        def copies():
            return [i for i, (a, o, s) in enumerate(zip(anchors, originals, source))
                    if a == o or a == texts[s]]

        redrawn = set()
        for _ in range(MAX_REDRAWS):
            rows = copies()
            if not rows:
                break
            redrawn.update(rows)
            new = vocabulary.inverse_transform(
                net.generate(ids[source[rows]], ids[partners[rows]], **resample))
            for i, text in zip(rows, new):
                anchors[i] = text
        if copies():
            warnings.warn(f"{len(copies())} anchors still copy their source text after "
                          f"{MAX_REDRAWS} sampled re-draws (very short or very frequent "
                          "texts).")
        return anchors, len(redrawn)
