"""miso-resample: MISO over-sampling (Tian et al., EMNLP 2021) for imbalanced-learn.

Public names:

* :class:`MISOSampler` -- the imbalanced-learn over-sampler;
* :class:`EDAOverSampler` -- easy data augmentation of texts, a cheap peer;
* :func:`find_difficult_samples` -- difficult minority samples (section 7.1);
* :func:`estimate_mutual_information` -- a MINE estimate of I(x; z) in nats;
* :class:`TrainingDivergedError` -- raised when a MISO loss becomes NaN or infinite.

Submodules: :mod:`miso_resample.datasets` (corpora and the imbalance protocol),
:mod:`miso_resample.embeddings` (``TransformerEmbedder``),
:mod:`miso_resample.benchmark` (the paper's protocol) and the ``miso-resample``
command (:mod:`miso_resample.cli`).
"""

from ._sampler import MISOSampler
from .difficulty import find_difficult_samples
from .eda import EDAOverSampler
from .exceptions import TrainingDivergedError
from .mutual_information import estimate_mutual_information

__version__ = "0.1.0"

__all__ = ["MISOSampler", "EDAOverSampler", "find_difficult_samples",
           "estimate_mutual_information",
           "TrainingDivergedError", "__version__"]
