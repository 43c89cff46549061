"""The paper's backbones and re-weighting / long-tail baselines as scikit-learn classifiers."""

from .losses import DiceLoss, FocalLoss, LogitAdjustedLoss
from .mlp import DenseMLPClassifier
from .textcnn import TextCNNClassifier
from .textrnn import TextRNNClassifier
from .transformer import TransformerClassifier

__all__ = ["TextCNNClassifier", "TextRNNClassifier", "TransformerClassifier",
           "DenseMLPClassifier", "FocalLoss", "DiceLoss", "LogitAdjustedLoss"]
