"""The MISO network (paper, Figure 2), one module per component."""

from .decoders import AutoregressiveDecoder, DenseDecoder
from .discriminators import Discriminator
from .encoders import DenseEncoder, TransformerSequenceEncoder
from .miso import MISOModule, MISOOutputs
from .sfm import SemanticFusionModule, semantic_fusion_attention

__all__ = ["AutoregressiveDecoder", "TransformerSequenceEncoder", "DenseDecoder", "DenseEncoder", "Discriminator", "MISOModule", "MISOOutputs",
           "SemanticFusionModule", "semantic_fusion_attention"]
