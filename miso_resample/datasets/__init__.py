"""Corpora for imbalanced text classification and the paper's imbalance protocol.

Corpora shipped in registry packages (fetched into scikit-learn's data home):
:func:`fetch_rotten_tomatoes`, :func:`fetch_bbc_news`, :func:`fetch_spam_assassin`.
The paper's datasets in their canonical public formats, from a path you give:
:func:`load_sms_spam`, :func:`load_imdb`, :func:`load_ag_news`,
:func:`load_yelp_polarity`, :func:`load_toutiao`. The imbalance protocol:
:func:`make_imbalanced_corpus`, and a long-tailed cut of a multi-class corpus:
:func:`make_long_tailed_corpus`.
"""

from ._canonical import load_ag_news, load_imdb, load_sms_spam, load_toutiao, load_yelp_polarity
from ._imbalance import make_imbalanced_corpus, make_long_tailed_corpus
from ._packaged import fetch_bbc_news, fetch_rotten_tomatoes, fetch_spam_assassin

__all__ = ["fetch_rotten_tomatoes", "fetch_bbc_news", "fetch_spam_assassin", "load_sms_spam",
           "load_imdb", "load_ag_news", "load_yelp_polarity", "load_toutiao",
           "make_imbalanced_corpus", "make_long_tailed_corpus"]
