"""The paper's benchmark protocol (Tables 3-5) on corpora obtainable offline.

* :mod:`.protocol`: settings, corpora, repeated stratified folds, fold scores;
* :mod:`.methods`: the methods of each backbone and the estimators behind them;
* :mod:`.evaluate`: one fold of one cell, with anchor-quality metrics;
* :mod:`.runner`: every cell, resumable, written to ``results.md`` / ``.csv``;
* :mod:`.merge`: a side folder's folds merged into a benchmark folder;
* :mod:`.tables`, :mod:`.stats`, :mod:`.figure`: tables, significance tests
  (Friedman, Nemenyi, Wilcoxon-Holm) and figures;
* :mod:`.report`, :mod:`.measure`, :mod:`.synthetic`: what the scripts in
  ``benchmarks/`` share (environment block, writer, timing, synthetic data).
"""

from .evaluate import evaluate_cell, evaluate_fold
from .methods import BACKBONES, METHODS, make_classifier, make_sampler
from .protocol import SETTINGS, fold_splits, load_setting
from .runner import run_benchmark

__all__ = ["BACKBONES", "METHODS", "SETTINGS", "evaluate_cell", "evaluate_fold",
           "fold_splits", "load_setting", "make_classifier", "make_sampler", "run_benchmark"]
