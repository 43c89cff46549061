"""Tokenization, vocabulary and detokenization for MISO's text mode.

:class:`TextVocabulary` turns raw texts into padded token-id matrices and back:

* normalisation (Unicode NFKC, optional lower-casing) and pre-tokenization
  (words and punctuation runs) by Hugging Face ``tokenizers``, a word-level
  vocabulary trained by its ``WordLevelTrainer`` on the training texts, with the
  special tokens ``[PAD]``, ``[UNK]``, ``[BOS]`` and ``[EOS]``;
* Chinese (any CJK text): segmented into words with ``jieba`` when it is
  installed (``pip install miso-resample[zh]``), one token per character
  otherwise;
* optional English stop-word removal with scikit-learn's list (NLTK's data
  cannot be downloaded offline);
* ``max_length`` tokens per text, the last one being ``[EOS]``;
* detokenization: tokens joined by spaces, no space before closing
  punctuation or after opening brackets, none between CJK tokens.

A word-level vocabulary (rather than sub-words) keeps every generated token a
readable word of the training texts.
"""

import re
import unicodedata

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["TextVocabulary", "PAD", "UNK", "BOS", "EOS", "contains_cjk", "resolve_stop_words",
           "given_words"]

PAD, UNK, BOS, EOS = "[PAD]", "[UNK]", "[BOS]", "[EOS]"
SPECIAL_TOKENS = [PAD, UNK, BOS, EOS]

# Chinese and Japanese (no spaces between words); Korean uses spaces and is left alone.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
_CJK_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]+)")
_NO_SPACE_BEFORE = set(".,!?;:%)]}…。，！？；：、）》」』")
_CONTRACTIONS = {"s", "t", "re", "ve", "ll", "d", "m"}
_NO_SPACE_AFTER = set("([{$#“‘（《「『")


def contains_cjk(text):
    """True when ``text`` has Chinese, Japanese or Korean characters."""
    return bool(_CJK.search(text))


def given_words(words):
    """A TF-IDF ``analyzer`` for texts already split into words (one tokenisation per fit)."""
    return words


def resolve_stop_words(stop_words, *, lowercase=True):
    """The set of words that ``stop_words`` (``"english"``, a collection or None) names."""
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise ValueError(f"stop_words must be 'english', a collection or None, "
                             f"got {stop_words!r}.")
        return ENGLISH_STOP_WORDS
    words = (unicodedata.normalize("NFKC", w) for w in stop_words)
    return frozenset(w.lower() for w in words) if lowercase else frozenset(words)


def _jieba():
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(60)
    return jieba


class TextVocabulary:
    """Word-level tokenizer fitted on training texts.

    Parameters
    ----------
    max_length : int, default=64
        Tokens per encoded text, ``[EOS]`` included; longer texts are truncated.
    max_vocab_size : int, default=20000
        Vocabulary size, special tokens included (most frequent words kept).
    min_frequency : int, default=1
        Words seen fewer times become ``[UNK]``.
    lowercase : bool, default=True
        Lower-case the texts before tokenizing.
    stop_words : {"english"}, collection of str or None, default=None
        Words removed before encoding; ``"english"`` is scikit-learn's list.
    segmenter : {"auto", "jieba", "char"}, default="auto"
        How CJK runs are split: ``jieba`` words when installed (``"auto"``),
        or one token per character.

    Attributes
    ----------
    tokenizer_ : tokenizers.Tokenizer
        The fitted Hugging Face tokenizer (word-level model).
    vocab_size_ : int
    pad_id_, unk_id_, bos_id_, eos_id_ : int
    """

    def __init__(self, *, max_length=64, max_vocab_size=20000, min_frequency=1,
                 lowercase=True, stop_words=None, segmenter="auto"):
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.min_frequency = min_frequency
        self.lowercase = lowercase
        self.stop_words = stop_words
        self.segmenter = segmenter

    # -- words ---------------------------------------------------------------------
    def _stop_words(self):
        return resolve_stop_words(self.stop_words, lowercase=self.lowercase)

    def _segment_cjk(self, text):
        if not contains_cjk(text):
            return text
        jieba = _jieba() if self.segmenter in ("auto", "jieba") else None
        if self.segmenter == "jieba" and jieba is None:
            raise ImportError("segmenter='jieba' needs the jieba package: pip install jieba")
        if jieba is not None:
            pieces = _CJK_RUN.split(text)
            return " ".join(" ".join(jieba.lcut(p)) if _CJK.match(p) else p for p in pieces)
        return _CJK_RUN.sub(lambda m: " " + " ".join(m.group(0)) + " ", text)

    def words(self, text):
        """The words of ``text`` after normalisation, segmentation and stop-word removal."""
        normalized = unicodedata.normalize("NFKC", text)
        if self.lowercase:
            normalized = normalized.lower()
        normalized = self._segment_cjk(normalized)
        pieces = [w for w, _ in self._pre_tokenizer().pre_tokenize_str(normalized)]
        stop = self._stop_words_
        return [w for w in pieces if w not in stop] if stop else pieces

    @staticmethod
    def _pre_tokenizer():
        from tokenizers import pre_tokenizers
        return pre_tokenizers.Whitespace()

    # -- fit / transform ---------------------------------------------------------------
    def tokenize(self, texts):
        """The words of every text (:meth:`words`): the one tokenisation a fit needs,
        shared by :meth:`fit_tokenized`, :meth:`transform_tokenized` and any TF-IDF."""
        self._check()
        self._stop_words_ = self._stop_words()
        return [self.words(t) for t in texts]

    def _check(self):
        if self.max_length < 2:
            raise ValueError(f"max_length must be at least 2, got {self.max_length}.")
        if self.segmenter not in ("auto", "jieba", "char"):
            raise ValueError(f"segmenter must be 'auto', 'jieba' or 'char', "
                             f"got {self.segmenter!r}.")

    def fit(self, texts):
        """Train the vocabulary on ``texts`` (an iterable of str)."""
        return self.fit_tokenized(self.tokenize(texts))

    def fit_tokenized(self, words):
        """Train the vocabulary on word lists from :meth:`tokenize`."""
        from tokenizers import Tokenizer, pre_tokenizers
        from tokenizers.models import WordLevel
        from tokenizers.trainers import WordLevelTrainer

        self._check()
        if not hasattr(self, "_stop_words_"):
            self._stop_words_ = self._stop_words()
        tokenizer = Tokenizer(WordLevel(unk_token=UNK))
        tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()   # input is pre-split
        trainer = WordLevelTrainer(vocab_size=self.max_vocab_size,
                                   min_frequency=self.min_frequency,
                                   special_tokens=SPECIAL_TOKENS, show_progress=False)
        tokenizer.train_from_iterator((" ".join(w) for w in words), trainer)
        self.tokenizer_ = tokenizer
        self.vocab_size_ = tokenizer.get_vocab_size()
        self.pad_id_, self.unk_id_, self.bos_id_, self.eos_id_ = (
            tokenizer.token_to_id(t) for t in SPECIAL_TOKENS)
        return self

    def transform(self, texts):
        """Padded ids of shape (n_texts, max_length), int64; each row ends with ``[EOS]``."""
        return self.transform_tokenized([self.words(t) for t in texts])

    def transform_tokenized(self, words):
        """:meth:`transform` of word lists from :meth:`tokenize`."""
        ids = np.full((len(words), self.max_length), self.pad_id_, dtype=np.int64)
        for i, row_words in enumerate(words):
            row_words = row_words[: self.max_length - 1]
            row = (self.tokenizer_.encode(row_words, is_pretokenized=True).ids
                   if row_words else [])
            ids[i, :len(row)] = row
            ids[i, len(row)] = self.eos_id_
        return ids

    def fit_transform(self, texts):
        return self.fit(texts).transform(texts)

    def tokens(self, ids):
        """Tokens of one id row, up to (not including) ``[EOS]``, specials dropped."""
        out = []
        for i in np.asarray(ids).tolist():
            if i == self.eos_id_:
                break
            if i not in (self.pad_id_, self.bos_id_):
                out.append(self.tokenizer_.id_to_token(i))
        return out

    def inverse_transform(self, ids):
        """Readable texts for an id matrix (one text per row)."""
        return [detokenize(self.tokens(row)) for row in np.asarray(ids)]

    def __getstate__(self):
        state = self.__dict__.copy()
        if "tokenizer_" in state:
            state["tokenizer_"] = state["tokenizer_"].to_str()
        return state

    def __setstate__(self, state):
        if isinstance(state.get("tokenizer_"), str):
            from tokenizers import Tokenizer
            state["tokenizer_"] = Tokenizer.from_str(state["tokenizer_"])
        self.__dict__.update(state)


def detokenize(tokens):
    """Join tokens into text.

    Spaces between words; none before closing punctuation, after opening
    brackets, inside numbers (``3.5``, ``1,000``), around hyphens between
    words (``well-known``) and in contractions (``don't``), inside a pair of
    double quotes (``"hello"``), or between Chinese/Japanese tokens.
    """
    text, open_quote = "", False
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if not text:
            glue = True
        elif token == '"':
            glue = open_quote                      # a closing quote sticks to the left
        elif prev == '"' and open_quote:
            glue = True                            # no space after an opening quote
        elif prev in (".", ",") and len(text) > 1 and text[-2].isdigit() and token.isdigit():
            glue = True                            # 3.5, 1,000
        elif prev == "-" and len(text) > 1 and text[-2].isalnum() and token[:1].isalnum():
            glue = True                            # well-known
        elif token == "-" and text[-1].isalnum() and nxt[:1].isalnum():
            glue = True
        elif prev == "'" and len(text) > 1 and text[-2].isalnum() and token in _CONTRACTIONS:
            glue = True                            # don't, it's, we'll
        elif token == "'" and text[-1].isalnum() and nxt in _CONTRACTIONS:
            glue = True
        elif token[0] in _NO_SPACE_BEFORE or text[-1] in _NO_SPACE_AFTER:
            glue = True
        elif (contains_cjk(token[0]) and not text[-1].isascii()) or (
                contains_cjk(text[-1]) and not token[0].isascii()):
            glue = True
        else:
            glue = False
        text += token if glue else " " + token
        if token == '"':
            open_quote = not open_quote
    return text
