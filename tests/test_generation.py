"""Fast sampling on a tiny random Llama: cache reuse equals plain greedy decoding, stops."""

import numpy as np
import pytest
import torch

from miso_resample.decoders._generation import (
    _next_tokens,
    newline_token_ids,
    sample_continuations,
)

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny(llama_folder):
    model = transformers.AutoModelForCausalLM.from_pretrained(llama_folder).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(llama_folder)
    return model, tokenizer


def _prompts(tokenizer):
    texts = ["The movie was dull", "The plot was great and warm but the ending was flat",
             "A film", "The cast was sharp and the score was lovely and moving"]
    return [tokenizer(t)["input_ids"] for t in texts]


@pytest.mark.parametrize("shared_prefix", [False, True])
def test_cache_reusing_greedy_decoding_equals_generate_without_cache(tiny, shared_prefix):
    model, tokenizer = tiny
    prompts = _prompts(tokenizer)
    ours = sample_continuations(model, prompts, 3, max_new_tokens=12, top_p=0.0,
                                stop_ids=[tokenizer.eos_token_id], max_rows=6,
                                shared_prefix=shared_prefix)
    for prompt, samples in zip(prompts, ours):
        plain = model.generate(torch.tensor([prompt]), do_sample=False, max_new_tokens=12,
                               use_cache=False, eos_token_id=tokenizer.eos_token_id,
                               pad_token_id=tokenizer.eos_token_id)[0, len(prompt):].tolist()
        if tokenizer.eos_token_id in plain:
            plain = plain[:plain.index(tokenizer.eos_token_id)]
        assert samples == [plain] * 3                 # every row, padded bucket or not


def test_rows_stop_at_a_stop_token_and_sampling_is_seeded(tiny):
    model, tokenizer = tiny
    prompts = _prompts(tokenizer)
    free = sample_continuations(model, prompts, 8, max_new_tokens=20, seed=1)
    drawn = sorted({t for p in free for s in p for t in s})
    stop = drawn[: len(drawn) // 2]                    # half the tokens the model draws
    stopped = sample_continuations(model, prompts, 8, max_new_tokens=20, seed=1,
                                   stop_ids=stop)
    lengths = [len(s) for p in stopped for s in p]
    assert not any(t in stop for p in stopped for s in p for t in s)
    assert min(lengths) < 20 and np.mean(lengths) < np.mean([len(s) for p in free for s in p])
    again = sample_continuations(model, prompts, 8, max_new_tokens=20, seed=1, stop_ids=stop)
    other = sample_continuations(model, prompts, 8, max_new_tokens=20, seed=2, stop_ids=stop)
    assert again == stopped and other != stopped


def test_newline_token_ids_find_the_newline_and_eos():
    tokenizers = pytest.importorskip("tokenizers")
    vocab = {"<eos>": 0, "a": 1, "\n": 2, "b\n": 3}
    model = tokenizers.models.WordLevel(vocab, unk_token="a")
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizers.Tokenizer(model), eos_token="<eos>", unk_token="a")
    assert newline_token_ids(tokenizer) == [0, 2, 3]


@pytest.mark.parametrize("shortlists", [(2,), (4,), (10,), (2, 3), (2, 4), (1, 2, 3)])
def test_nucleus_draws_match_the_nucleus_whether_or_not_the_shortlist_holds_it(shortlists):
    # row 0: nucleus (top_p 0.8) {0, 1, 2} of mass 0.85, held by a shortlist of 4 but
    # not of 2 or 3; row 1: one token of mass 0.9 is the whole nucleus
    probs = torch.tensor([[0.4, 0.3, 0.15, 0.1, 0.05], [0.02, 0.9, 0.04, 0.02, 0.02]])
    logits = probs.log().repeat_interleave(10000, dim=0)
    generator = torch.Generator().manual_seed(0)
    drawn = _next_tokens(logits, 0.8, 1.0, generator, shortlists=shortlists).view(2, -1)
    share = torch.stack([torch.bincount(r, minlength=5) for r in drawn]).double() / 10000
    np.testing.assert_allclose(share[0], [0.4 / 0.85, 0.3 / 0.85, 0.15 / 0.85, 0, 0],
                               atol=0.015)
    assert share[1].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert _next_tokens(probs.log(), 0.0, 1.0, generator).tolist() == [0, 1]   # greedy


def test_shared_prefix_steps_give_the_logits_of_the_repeated_cache(tiny):
    """Both caches, fed the same tokens from padded prompts of unequal length, give the
    same next-token logits at every step, rows dropped on the way included."""
    from miso_resample.decoders._generation import _prefill, _RepeatedCache, _SharedCache

    model, tokenizer = tiny
    prompts = _prompts(tokenizer)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        caches = []
        for shared in (False, True):
            logits, cache, mask, position = _prefill(model, prompts, 0)
            caches.append(_SharedCache(model, cache, mask, 3, 8) if shared
                          else _RepeatedCache(model, cache, mask, 3))
        position = position.repeat_interleave(3, dim=0)
        tokens = torch.randint(3, 40, (12,), generator=generator)
        for step in range(6):
            if step == 3:                                  # drop rows 1, 4 and 11
                keep = torch.tensor([0, 2, 3, 5, 6, 7, 8, 9, 10])
                for c in caches:
                    c.select(keep)
                tokens, position = tokens[keep], position[keep]
            repeated, shared = (c.step(tokens, position) for c in caches)
            torch.testing.assert_close(shared, repeated, rtol=1e-4, atol=1e-4)
            tokens = torch.randint(3, 40, (len(tokens),), generator=generator)
            position = position + 1


def test_shared_prefix_needs_a_llama():
    class NotLlama(torch.nn.Module):
        config = type("Config", (), {"model_type": "gpt2"})()
        device = torch.device("cpu")

    with pytest.raises(ValueError, match="Llama-architecture"):
        sample_continuations(NotLlama(), [[1, 2]], 2, shared_prefix=True)


@pytest.mark.parametrize("shared_prefix", [False, True])
def test_a_vocabulary_limits_the_draws_and_greedy_takes_its_argmax(tiny, shared_prefix):
    """With a vocabulary, greedy decoding continues with the most probable allowed
    token at every step (known answer: full forward passes without a cache)."""
    model, tokenizer = tiny
    prompts = _prompts(tokenizer)[:2]
    allowed = list(range(3, len(tokenizer), 2))                # every other token
    ours = sample_continuations(model, prompts, 2, max_new_tokens=8, top_p=0.0,
                                vocabulary=allowed, shared_prefix=shared_prefix)
    with torch.no_grad():
        for prompt, samples in zip(prompts, ours):
            ids = list(prompt)
            for _ in range(8):
                logits = model(torch.tensor([ids])).logits[0, -1, allowed]
                ids.append(allowed[int(logits.argmax())])
            assert samples == [ids[len(prompt):]] * 2
    sampled = sample_continuations(model, prompts, 8, max_new_tokens=10, seed=0,
                                   vocabulary=allowed, shared_prefix=shared_prefix,
                                   stop_ids=[tokenizer.eos_token_id])
    drawn = {t for p in sampled for s in p for t in s}
    assert drawn <= set(allowed) and len(drawn) > 10
