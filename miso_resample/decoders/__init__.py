"""How MISO's anchors are written: the decoders of ``MISOSampler``.

* ``_source_editor``: ``SourceEditor``, text anchors written by editing their source;
* ``_rewriter``: a local language model rewrites the source (extra ``[lm]``).
"""
