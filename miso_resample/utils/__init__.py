"""Helpers shared by the whole package, below :mod:`miso_resample.model`.

Nothing here imports from another package of miso-resample.

* ``devices``: device resolution and seeded torch blocks;
* ``optional``: imports of optional packages, with a message naming the extra;
* ``text_input``: text-input detection, validation and output containers;
* ``labels``: missing and mixed class labels;
* ``glove``: optional GloVe 6B 50d word vectors;
* ``vocabulary``: ``TextVocabulary``, word-level tokenization (``tokenizers``, jieba).
"""
