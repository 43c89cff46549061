"""The MISO network (paper, Figure 2), one module per component."""

from .decoders import AutoregressiveDecoder, DenseDecoder
from .discriminators import Discriminator
from .encoders import DenseEncoder, TransformerSequenceEncoder
from .mine import MINE, MIEstimate, StatisticsNetwork
from .miso import MISOModule, MISOOutputs
from .sfm import SemanticFusionModule, semantic_fusion_attention

__all__ = ["AutoregressiveDecoder", "DenseDecoder", "DenseEncoder", "Discriminator", "MINE",
           "MIEstimate", "MISOModule", "MISOOutputs", "SemanticFusionModule",
           "StatisticsNetwork", "TransformerSequenceEncoder", "semantic_fusion_attention"]
