"""Shared fixtures: tiny MISO configurations that train in well under a second."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification

from miso_resample.decoders import EditDecoder, ScratchDecoder

# Two CPU cores: keep torch from oversubscribing them.
torch.set_num_threads(min(2, torch.get_num_threads()))

# device="cpu": exact-equality tests must not depend on CUDA kernels when a GPU is present.
# epoch_pairs=None: an epoch is one pass over the larger class (tiny data, few steps).
TINY = dict(device="cpu", max_epochs=2, pretrain_epochs=1, batch_size=32, latent_dim=8,
            hidden_dim=16, n_heads=2, lr=1e-3, epoch_pairs=None)


@pytest.fixture
def tiny_params():
    """Keyword arguments of a MISOSampler small enough for unit tests."""
    return dict(TINY)


@pytest.fixture
def overlapping_binary():
    """Two overlapping Gaussian classes, 10% minority, float64."""
    X, y = make_classification(n_samples=400, n_features=6, n_informative=4, n_redundant=0,
                               weights=[0.9, 0.1], class_sep=0.5, flip_y=0, random_state=0)
    return X, y


@pytest.fixture
def three_classes():
    X, y = make_classification(n_samples=300, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=3, weights=[0.6, 0.3, 0.1], flip_y=0,
                               random_state=1)
    return X, y


def class_counts(y):
    values, counts = np.unique(np.asarray(y), return_counts=True)
    return dict(zip(values.tolist(), counts.tolist()))


# Text mode: LSA sentence vectors (no GloVe), and a tiny vocabulary for the scratch decoder.
TINY_TEXT = dict(TINY, hidden_dim=16, decoder=EditDecoder(word_vectors=None))
TINY_SCRATCH = dict(max_length=12, max_vocab_size=200, word_vectors=None)


def tiny_scratch(**params):
    """A ScratchDecoder small enough for unit tests."""
    return ScratchDecoder(**{**TINY_SCRATCH, **params})


# The same configurations in the flat form of 0.1 (deprecated), for the deprecation tests.
TINY_TEXT_FLAT = dict(TINY, max_length=12, max_vocab_size=200, word_vectors=None, hidden_dim=16)

_POSITIVE = "great warm funny brilliant moving charming sharp lovely".split()
_NEGATIVE = "dull slow boring clumsy flat tedious messy bland".split()
_NOUNS = "movie film plot cast story script ending score".split()


def _review(rng, adjectives, mix):
    words = [rng.choice(_NOUNS), "was", rng.choice(adjectives)]
    if rng.rand() < mix:
        words += ["but", rng.choice(_POSITIVE + _NEGATIVE)]
    words += ["and", rng.choice(adjectives)]
    return "The " + " ".join(words) + rng.choice([".", "!", ""])


@pytest.fixture
def review_texts():
    """120 short synthetic reviews: 100 positive (majority), 20 negative, some mixed."""
    rng = np.random.RandomState(0)
    texts = [_review(rng, _POSITIVE, 0.3) for _ in range(100)]
    texts += [_review(rng, _NEGATIVE, 0.5) for _ in range(20)]
    y = np.array(["pos"] * 100 + ["neg"] * 20, dtype=object)
    return texts, y


@pytest.fixture
def tiny_text_params():
    return dict(TINY_TEXT)


# -- a tiny random Llama: the language-model paths without any weights -----------------
def _save_tiny_llama(folder, texts):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    word_level = Tokenizer(models.WordLevel(unk_token="<unk>"))
    word_level.pre_tokenizer = pre_tokenizers.Whitespace()
    word_level.train_from_iterator(texts + ["Rewrite this text in other words, keeping its "
                                            "meaning and tone:"],
                                   trainers.WordLevelTrainer(special_tokens=["<unk>", "<eos>"]))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=word_level, unk_token="<unk>",
                                        eos_token="<eos>")
    tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %} :"
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32,
                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1,
                         max_position_embeddings=256, eos_token_id=1, bos_token_id=1)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)


@pytest.fixture(scope="module")
def llama_folder(tmp_path_factory):
    pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny-llama")
    words = _NEGATIVE + _NOUNS + _POSITIVE + "The the a was but and and . ! , :".split()
    _save_tiny_llama(folder, [" ".join(words)])
    return folder
