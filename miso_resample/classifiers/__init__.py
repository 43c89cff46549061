"""The paper's backbones and re-weighting / long-tail baselines as scikit-learn classifiers."""

from .losses import DiceLoss, FocalLoss
from .textcnn import TextCNNClassifier
from .textrnn import TextRNNClassifier
from .transformer import TransformerClassifier

__all__ = ["TextCNNClassifier", "TextRNNClassifier", "TransformerClassifier", "FocalLoss",
           "DiceLoss"]
