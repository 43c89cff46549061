"""TextVocabulary: tokenization round trip, special tokens, stop words, Chinese."""

import pickle

import numpy as np
import pytest

from miso_resample.utils.vocabulary import BOS, EOS, PAD, UNK, TextVocabulary, detokenize


def test_round_trip_of_training_texts():
    texts = ["The movie was great, really!", "A dull film (sadly).", "Great cast; dull plot?"]
    vocab = TextVocabulary(max_length=16).fit(texts)
    assert vocab.inverse_transform(vocab.transform(texts)) == [
        "the movie was great, really!", "a dull film (sadly).", "great cast; dull plot?"]


def test_special_tokens_padding_and_truncation():
    vocab = TextVocabulary(max_length=5).fit(["one two three four five six"])
    assert [vocab.tokenizer_.id_to_token(i) for i in range(4)] == [PAD, UNK, BOS, EOS]
    ids = vocab.transform(["one two three four five six", "two", "zebra two"])
    assert ids.shape == (3, 5) and ids.dtype == np.int64
    assert ids[0, -1] == vocab.eos_id_                       # truncated, still terminated
    np.testing.assert_array_equal(ids[1], [vocab.tokenizer_.token_to_id("two"),
                                           vocab.eos_id_, 0, 0, 0])
    assert ids[2, 0] == vocab.unk_id_                        # out of vocabulary
    assert vocab.inverse_transform(ids[:1]) == ["one two three four"]


def test_vocabulary_size_and_frequency_order():
    texts = ["a a a b b c", "a b d"]
    vocab = TextVocabulary(max_vocab_size=6).fit(texts)
    assert vocab.vocab_size_ == 6
    kept = {vocab.tokenizer_.id_to_token(i) for i in range(4, 6)}
    assert kept == {"a", "b"}                                # the two most frequent


def test_english_stop_words_use_sklearn_list():
    vocab = TextVocabulary(stop_words="english").fit(["The movie was not that good at all"])
    assert vocab.words("The movie was not that good at all") == ["movie", "good"]
    custom = TextVocabulary(stop_words=["movie"]).fit(["the movie"])
    assert custom.words("the movie") == ["the"]
    with pytest.raises(ValueError, match="stop_words"):
        TextVocabulary(stop_words="french").fit(["x"])


@pytest.mark.slow
def test_chinese_segmentation_jieba_and_character_fallback():
    text = "这部电影非常好看"
    chars = TextVocabulary(segmenter="char").fit([text])
    assert chars.words(text) == list(text)
    assert chars.inverse_transform(chars.transform([text])) == [text]
    words = TextVocabulary(segmenter="jieba").fit([text])
    segmented = words.words(text)
    assert "".join(segmented) == text and len(segmented) < len(text)
    assert words.inverse_transform(words.transform([text])) == [text]


def test_detokenize_spacing_rules():
    assert detokenize(["hello", ",", "world", "!"]) == "hello, world!"
    assert detokenize(["(", "sadly", ")", "."]) == "(sadly)."
    assert detokenize(["电影", "好看", "。"]) == "电影好看。"
    assert detokenize(["i", "like", "电影"]) == "i like 电影"


def test_pickles_with_its_tokenizer():
    vocab = TextVocabulary().fit(["some words here", "more words"])
    restored = pickle.loads(pickle.dumps(vocab))
    np.testing.assert_array_equal(restored.transform(["more words here"]),
                                  vocab.transform(["more words here"]))


@pytest.mark.parametrize("tokens, text", [
    (["he", "said", '"', "hello", '"', "."], 'he said "hello".'),
    (["3", ".", "5", "and", "1", ",", "000"], "3.5 and 1,000"),
    (["a", "well", "-", "known", "film"], "a well-known film"),
    (["it", "'", "s", "fine", ",", "don", "'", "t", "go"], "it's fine, don't go"),
    (["the", "'", "quoted", "'", "word"], "the ' quoted ' word"),
])
def test_detokenize_numbers_hyphens_quotes_contractions(tokens, text):
    assert detokenize(tokens) == text


def test_korean_keeps_its_spaces_and_stop_words_are_normalised():
    text = "좋은 영화 입니다"
    vocab = TextVocabulary().fit([text])
    assert vocab.inverse_transform(vocab.transform([text])) == [text]
    assert TextVocabulary(stop_words=["The", "ＭＯＶＩＥ"]).fit(["x"]).words(
        "The movie was fine") == ["was", "fine"]
