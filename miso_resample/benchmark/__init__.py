"""The paper's benchmark protocol (Tables 3-5) on corpora obtainable offline."""

from .protocol import METHODS, SETTINGS, evaluate_cell, load_setting
from .runner import run_benchmark

__all__ = ["METHODS", "SETTINGS", "evaluate_cell", "load_setting", "run_benchmark"]
