"""TransformerClassifier on a tiny random BERT and a tiny random XLNet (built locally)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.class_weight import compute_class_weight

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from miso_resample.classifiers import TransformerClassifier  # noqa: E402
from miso_resample.classifiers._transformer_modules import TransformerNet  # noqa: E402
from tests.test_embeddings import _save_tiny_xlnet  # noqa: E402

NOUNS = ["movie", "film", "plot", "cast", "story", "script"]
FILLERS = ["", " overall", " and the end was long", " to me", " i think, all in all"]
BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _toy_task(n=80, seed=0):
    """Texts containing "good" (label "pos") or "bad" ("neg"), of varied lengths."""
    rng = np.random.RandomState(seed)
    labels = np.array(["pos", "neg"] * (n // 2), dtype=object)
    texts = [f"the {rng.choice(NOUNS)} was {'good' if label == 'pos' else 'bad'}"
             f"{rng.choice(FILLERS)}" for label in labels]
    return texts, labels


TEXTS, LABELS = _toy_task()
FAST = dict(device="cpu", lr=3e-3, head_lr=2e-2, batch_size=16)


def _save_tiny_bert(folder):
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    wordpiece = BertWordPieceTokenizer(lowercase=True)
    wordpiece.train_from_iterator(TEXTS, vocab_size=120, min_frequency=1,
                                  special_tokens=BERT_SPECIALS)
    tokenizer = BertTokenizerFast(tokenizer_object=wordpiece._tokenizer, unk_token="[UNK]",
                                  sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
                                  mask_token="[MASK]")
    torch.manual_seed(0)
    model = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=4,
                                 num_attention_heads=2, intermediate_size=32,
                                 max_position_embeddings=64))
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)


@pytest.fixture(scope="module")
def bert_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-bert")
    _save_tiny_bert(folder)
    return folder


@pytest.fixture(scope="module")
def xlnet_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-xlnet")
    _save_tiny_xlnet(folder)
    return folder


@pytest.fixture(scope="module")
def fitted(bert_folder):
    """Top layer only (trainable_layers=1), string labels, trained on the toy task."""
    clf = TransformerClassifier(model_path=bert_folder, trainable_layers=1, max_epochs=10,
                                random_state=0, **FAST)
    return clf.fit(TEXTS, LABELS)


def test_learns_toy_task_with_string_labels(fitted):
    predicted = fitted.predict(TEXTS)
    assert list(fitted.classes_) == ["neg", "pos"]
    assert predicted.dtype == object and set(predicted) <= {"neg", "pos"}
    assert np.mean(predicted == LABELS) >= 0.9
    proba = fitted.predict_proba(TEXTS[:5])
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-6)
    assert fitted.n_layers_ == 4 and fitted.mix_layer_ is None


def test_only_the_top_layer_and_the_head_train(fitted, bert_folder):
    from transformers import BertModel

    before = BertModel.from_pretrained(bert_folder).state_dict()
    after = fitted.net_.module_.encoder.state_dict()
    changed = {name for name, value in before.items()
               if not torch.equal(value, after[name])}
    assert changed, "nothing was trained"
    assert all(name.startswith("encoder.layer.3.") for name in changed), sorted(changed)
    top = [n for n in before if n.startswith("encoder.layer.3.") and "weight" in n]
    assert set(top) <= changed
    module = fitted.net_.module_
    trainable = {n for n, p in module.named_parameters() if p.requires_grad}
    assert {"head.weight", "head.bias"} <= trainable
    assert all(n.startswith(("head.", "encoder.encoder.layer.3.")) for n in trainable)
    learnable = {n for n, _ in fitted.net_.get_all_learnable_params()}
    assert learnable == trainable            # frozen parameters never reach AdamW
    module.train()
    try:                                     # the frozen bottom stays in eval mode (no dropout)
        assert not module.encoder.embeddings.training
        assert not any(layer.training for layer in module.encoder.encoder.layer[:3])
        assert module.encoder.encoder.layer[3].training and module.head_dropout.training
    finally:
        module.eval()


def test_cached_bottom_gives_the_full_forward(fitted):
    inputs = fitted._cached_inputs(TEXTS)
    longest = int(inputs["attention_mask"].sum(1).max())
    assert inputs["states"].shape == (len(TEXTS), longest, 16)
    module = fitted.net_.module_.eval()
    input_ids, mask = fitted._tokenize(TEXTS)
    with torch.no_grad():                   # the whole model from token ids, no cache
        full = torch.softmax(module(input_ids=input_ids, attention_mask=mask), dim=-1)
    np.testing.assert_allclose(fitted.predict_proba(TEXTS), full.numpy(), atol=1e-5)


def test_frozen_bottom_runs_once_per_text_and_the_loaded_model_stays_pristine(
        bert_folder, monkeypatch):
    from transformers import BertModel

    from miso_resample.classifiers import _frozen_cache
    from miso_resample.classifiers._transformer_modules import TransformerClassifierModule

    _frozen_cache.clear()
    seen = []
    original = TransformerClassifierModule.encode_bottom
    monkeypatch.setattr(TransformerClassifierModule, "encode_bottom",
                        lambda self, ids, m: seen.append(len(ids)) or original(self, ids, m))
    params = dict(model_path=bert_folder, trainable_layers=1, max_epochs=2, random_state=0,
                  **FAST)
    first = TransformerClassifier(**params).fit(TEXTS[:60], LABELS[:60])
    assert sum(seen) == len(set(TEXTS[:60]))               # one pass per distinct text
    first.predict_proba(TEXTS)                             # only the new ones run
    assert sum(seen) == len(set(TEXTS)) > len(set(TEXTS[:60]))
    again = TransformerClassifier(**params).fit(TEXTS[:60], LABELS[:60])
    assert sum(seen) == len(set(TEXTS))                    # every state from the cache
    np.testing.assert_allclose(again.predict_proba(TEXTS), first.predict_proba(TEXTS),
                               atol=1e-6)
    loaded = _frozen_cache._loaded(str(bert_folder), "auto", 64)[0].state_dict()
    on_disk = BertModel.from_pretrained(bert_folder).state_dict()
    assert all(torch.equal(loaded[k], on_disk[k]) for k in on_disk)   # never trained


def test_tmix_forward_with_lambda_one_is_the_plain_forward(fitted):
    module = fitted.net_.module_.eval()
    assert module.mix_layer == 3             # "auto" = 4 // 2, raised to the first trainable
    inputs = fitted._cached_inputs(TEXTS[:8])
    assert len(set(inputs["attention_mask"].sum(1).tolist())) > 1      # masks differ
    permutation = torch.roll(torch.arange(8), 1)
    token_inputs = dict(zip(["input_ids", "attention_mask"], fitted._tokenize(TEXTS[:8])))
    with torch.no_grad():
        for entry in (inputs, token_inputs):     # from the cache, and from token ids
            plain = module(**entry)
            np.testing.assert_allclose(module.tmix_forward(1.0, permutation, **entry), plain,
                                       atol=1e-6)
            mixed = module.tmix_forward(0.5, permutation, **entry)
            assert (mixed - plain).abs().max() > 1e-3


def test_tmix_fit_mixes_every_batch_and_learns(bert_folder, monkeypatch):
    draws = []
    original = TransformerNet.draw_mix

    def counting(self, n):
        draws.append(n)
        return original(self, n)

    monkeypatch.setattr(TransformerNet, "draw_mix", counting)
    clf = TransformerClassifier(model_path=bert_folder, trainable_layers=None, mixup="tmix",
                                max_epochs=8, random_state=0, **FAST).fit(TEXTS, LABELS)
    assert clf.mix_layer_ == 2 and clf.net_.module_.cache_layer is None
    assert len(draws) == 8 * 5                        # 80 texts / 16 per batch, 8 epochs
    assert np.mean(clf.predict(TEXTS) == LABELS) >= 0.9


@pytest.mark.parametrize("loss", ["cross_entropy", "focal"])
def test_balanced_class_weight_reaches_the_criterion(bert_folder, loss):
    texts, labels = TEXTS[:40] + TEXTS[41:50:2], np.r_[LABELS[:40], LABELS[41:50:2]]
    clf = TransformerClassifier(model_path=bert_folder, class_weight="balanced", loss=loss,
                                max_epochs=1, random_state=0, **FAST).fit(texts, labels)
    expected = compute_class_weight("balanced", classes=np.unique(labels), y=labels)
    assert not np.allclose(expected, 1.0)
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), expected, rtol=1e-6)


def test_reproducible_and_global_rng_untouched(bert_folder):
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    params = dict(model_path=bert_folder, trainable_layers=2, mixup="tmix", max_epochs=2,
                  random_state=0, **FAST)
    a = TransformerClassifier(**params).fit(TEXTS, LABELS).predict_proba(TEXTS)
    b = TransformerClassifier(**params).fit(TEXTS, LABELS).predict_proba(TEXTS)
    np.testing.assert_array_equal(a, b)
    c = TransformerClassifier(**{**params, "random_state": 1}).fit(
        TEXTS, LABELS).predict_proba(TEXTS)
    assert not np.allclose(a, c)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)


def test_pickle_round_trip(fitted):
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), fitted.predict_proba(TEXTS))
    np.testing.assert_array_equal(restored.predict(TEXTS), fitted.predict(TEXTS))


def test_xlnet_fine_tuning(xlnet_folder):
    from transformers import XLNetModel

    clf = TransformerClassifier(model_path=xlnet_folder, trainable_layers=1, max_epochs=2,
                                random_state=0, **FAST).fit(TEXTS, LABELS)
    proba = clf.predict_proba(TEXTS[:6])
    assert proba.shape == (6, 2) and np.all(np.isfinite(proba))
    assert set(clf.predict(TEXTS)) <= {"neg", "pos"}
    assert clf.net_.module_.pooling == "last" and clf.net_.module_.cache_layer is None
    before = XLNetModel.from_pretrained(xlnet_folder).state_dict()
    after = clf.net_.module_.encoder.state_dict()
    assert all(torch.equal(before[n], after[n]) for n in before if not n.startswith("layer.1."))
    assert not torch.equal(before["layer.1.ff.layer_1.weight"], after["layer.1.ff.layer_1.weight"])


def test_tmix_on_xlnet_is_rejected_before_training(xlnet_folder):
    with pytest.raises(ValueError, match="mixup='tmix' needs a BERT-family encoder"):
        TransformerClassifier(model_path=xlnet_folder, mixup="tmix", device="cpu").fit(
            TEXTS, LABELS)


def test_unsupported_architecture_is_rejected(bert_folder, tmp_path):
    from transformers import AutoTokenizer, DistilBertConfig, DistilBertModel

    tokenizer = AutoTokenizer.from_pretrained(bert_folder)
    tokenizer.save_pretrained(tmp_path)
    DistilBertModel(DistilBertConfig(vocab_size=len(tokenizer), dim=16, n_layers=1, n_heads=2,
                                     hidden_dim=32)).save_pretrained(tmp_path)
    with pytest.raises(ValueError, match="does not support the 'distilbert' architecture"):
        TransformerClassifier(model_path=tmp_path, device="cpu").fit(TEXTS, LABELS)


@pytest.mark.parametrize("params, match", [
    (dict(trainable_layers=-1), "trainable_layers"),
    (dict(mixup="mixup"), "mixup"),
    (dict(mix_alpha=0.0), "mix_alpha"),
    (dict(pooling="max"), "pooling"),
    (dict(trainable_layers=5), "exceeds the 4 layers"),
    (dict(mixup="tmix", trainable_layers=2, mix_layer=1), "mix_layer=1"),
])
def test_invalid_parameters(bert_folder, params, match):
    clf = TransformerClassifier(model_path=bert_folder, device="cpu", **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(TEXTS, LABELS)
    assert clone(clf).get_params() == clf.get_params()


def test_texts_are_validated(fitted):
    with pytest.raises(ValueError, match=r"None/NaN at rows \[1\]"):
        fitted.predict(["the film was good", None])
    assert fitted.__sklearn_tags__().input_tags.string


def test_group_by_length_trains_on_batches_of_one_length(bert_folder, monkeypatch):
    from miso_resample.classifiers._transformer_modules import TransformerClassifierModule

    short, long = ["the movie was good"] * 16, ["the movie was bad and the end was long"] * 16
    texts, labels = short + long, np.array(["pos"] * 16 + ["neg"] * 16, dtype=object)
    widths = []
    original = TransformerClassifierModule.forward

    def recording(self, attention_mask, **kwargs):
        if self.training:
            counts = attention_mask.sum(1)
            widths.append((int(counts.max()), int(counts.min())))
        return original(self, attention_mask, **kwargs)

    monkeypatch.setattr(TransformerClassifierModule, "forward", recording)
    clf = TransformerClassifier(model_path=bert_folder, group_by_length=True, max_steps=6,
                                random_state=0, **FAST).fit(texts, labels)
    assert clf.n_train_steps_ == 6 and len(widths) == 6
    # 16 texts per batch, pools of 8 batches: every batch holds texts of one length
    assert all(longest == shortest for longest, shortest in widths)
    expected = {len(clf.tokenizer_(text)["input_ids"]) for text in (short[0], long[0])}
    assert {w for w, _ in widths} == expected and len(expected) == 2
