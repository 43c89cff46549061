"""The MISO network (paper, Figure 2), one module per component."""

from .decoders import DenseDecoder
from .discriminators import Discriminator
from .encoders import DenseEncoder
from .miso import MISOModule, MISOOutputs
from .sfm import SemanticFusionModule, semantic_fusion_attention

__all__ = ["DenseDecoder", "DenseEncoder", "Discriminator", "MISOModule", "MISOOutputs",
           "SemanticFusionModule", "semantic_fusion_attention"]
