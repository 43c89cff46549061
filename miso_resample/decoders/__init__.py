"""How MISO's anchors are written: the decoders of ``MISOSampler``.

Pass one as ``MISOSampler(decoder=...)``; ``decoder="auto"`` takes
:class:`VectorDecoder` in dense mode and :class:`EditDecoder` in text mode.

* :class:`VectorDecoder`: dense mode, anchor vectors (residual by default);
* :class:`EditDecoder`: text mode's default, each source edited toward its
  anchor vector;
* :class:`LanguageModelDecoder`: a local language model rewrites the source and
  the anchor vector picks the rewrite (optional extra ``[lm]``, GPU-first);
* :class:`ScratchDecoder`: the paper's word-by-word decoder.

Private modules: ``_source_editor`` (``SourceEditor``), ``_rewriter`` (the
language model's loading and sampling), ``_base`` (the decoder protocol).
"""

from ._base import BaseDecoder
from ._edit import EditDecoder
from ._language_model import LanguageModelDecoder
from ._scratch import ScratchDecoder
from ._vector import VectorDecoder

__all__ = ["BaseDecoder", "EditDecoder", "LanguageModelDecoder", "ScratchDecoder",
           "VectorDecoder"]
