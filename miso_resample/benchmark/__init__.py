"""The paper's benchmark protocol (Tables 3-5) on corpora obtainable offline."""

from .protocol import (BACKBONES, METHODS, SETTINGS, TEXT_METHODS, evaluate_cell,
                       evaluate_text_cell, load_setting)
from .runner import run_benchmark

__all__ = ["BACKBONES", "METHODS", "SETTINGS", "TEXT_METHODS", "evaluate_cell",
           "evaluate_text_cell", "load_setting", "run_benchmark"]
