"""Throughput of TransformerEmbedder and training time of TextCNN / TextRNN on 5,000 texts.

Data: Rotten Tomatoes reviews (fresh vs rotten, the first 5,000 after a seeded
shuffle; ``fetch_rotten_tomatoes``). Measured in one process on the machine's
CPU threads:

* ``TransformerEmbedder()`` (all-MiniLM-L6-v2): texts per second of ``transform``;
* ``TextCNNClassifier`` / ``TextRNNClassifier`` (defaults, 10 epochs, GloVe init
  when installed): ``fit`` wall time on 4,000 texts and macro-F1 on the other 1,000.

Run from the repository root::

    python benchmarks/bench_classifiers.py

Results go to ``benchmarks/results/classifiers.{md,csv}``.
"""

import argparse
import time
from pathlib import Path

import numpy as np

from miso_resample.benchmark.report import command_line, write_report

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None):
    import torch
    from sklearn.metrics import f1_score

    from miso_resample.classifiers import TextCNNClassifier, TextRNNClassifier
    from miso_resample.datasets import fetch_rotten_tomatoes
    from miso_resample.embeddings import TransformerEmbedder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-texts", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    order = np.random.RandomState(0).permutation(len(corpus.data))[:args.n_texts]
    texts = [corpus.data[i] for i in order]
    y = np.asarray(corpus.target)[order]
    split = int(0.8 * len(texts))
    rows = []

    embedder = TransformerEmbedder(device="cpu").fit()
    start = time.perf_counter()
    embedder.transform(texts)
    seconds = time.perf_counter() - start
    rows.append({"model": "TransformerEmbedder (all-MiniLM-L6-v2)", "task": "transform",
                 "n_texts": len(texts), "seconds": round(seconds, 1),
                 "texts_per_second": round(len(texts) / seconds, 1), "macro_f1_pct": None})
    print(rows[-1], flush=True)
    for cls in (TextCNNClassifier, TextRNNClassifier):
        clf = cls(random_state=0, device="cpu")
        start = time.perf_counter()
        clf.fit(texts[:split], y[:split])
        seconds = time.perf_counter() - start
        f1 = f1_score(y[split:], clf.predict(texts[split:]), average="macro")
        rows.append({"model": f"{cls.__name__} (10 epochs)", "task": "fit",
                     "n_texts": split, "seconds": round(seconds, 1),
                     "texts_per_second": round(split * clf.max_epochs / seconds, 1),
                     "macro_f1_pct": round(100 * f1, 1)})
        print(rows[-1], flush=True)

    print(write_report(
        args.out, "classifiers", rows,
        title="TransformerEmbedder throughput, TextCNN / TextRNN training time",
        command=command_line("bench_classifiers.py", argv), threads=args.threads,
        description="Rotten Tomatoes fresh vs rotten (natural ratio). For the classifiers, "
        "`texts_per_second` counts training texts x epochs per second, and macro-F1 is on "
        "the held-out 20%."))


if __name__ == "__main__":
    main()
