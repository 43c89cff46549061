"""Corpora for imbalanced text classification and the paper's imbalance protocol."""

from ._imbalance import make_imbalanced_corpus
from ._packaged import fetch_rotten_tomatoes

__all__ = ["fetch_rotten_tomatoes", "make_imbalanced_corpus"]
