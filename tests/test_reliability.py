"""Faults and reuse (issue #6): interruption, divergence, determinism, persistence."""

import copy
import pickle
import random
import re
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

import miso_resample
from miso_resample import MISOSampler
from miso_resample.classifiers import TextCNNClassifier, TextRNNClassifier
from miso_resample.embeddings import TransformerEmbedder
from miso_resample._core.net import MISONet, TrainingDivergedError

from .conftest import TINY, TINY_TEXT

FAST_CLF = dict(device="cpu", max_epochs=2, batch_size=16, word_vectors=None, max_length=16, random_state=0)


class InterruptAt(Callback):
    """Simulates Ctrl-C at the end of a given epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def _assert_as_if_never_fitted(sampler):
    with pytest.raises(NotFittedError):
        check_is_fitted(sampler)
    fresh = clone(sampler)
    assert vars(sampler).keys() == vars(fresh).keys()     # nets_, mode_, _class_prefix: gone


@pytest.mark.parametrize("mode", ["dense", "text"])
def test_keyboard_interrupt_leaves_the_sampler_unfitted_and_the_next_fit_clean(
        mode, overlapping_binary, review_texts):
    X, y = overlapping_binary if mode == "dense" else review_texts
    params = dict(TINY if mode == "dense" else TINY_TEXT, random_state=0)
    sampler = MISOSampler(**params)
    expected = sampler.fit_resample(X, y)             # a first, successful fit
    assert hasattr(sampler, "nets_")
    sampler.set_params(callbacks=[InterruptAt(2)])
    np_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        sampler.fit_resample(X, y)
    _assert_as_if_never_fitted(sampler)               # no half-fitted, no stale state
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)
    # the next call starts clean: the same result as the uninterrupted fit
    sampler.set_params(callbacks=None)
    again = sampler.fit_resample(X, y)
    assert list(np.asarray(again[0]).ravel()) == list(np.asarray(expected[0]).ravel())
    assert list(sampler.nets_) == list(set(np.asarray(y)) - {max(set(y), key=list(y).count)})


@pytest.mark.parametrize("cls", [TextCNNClassifier, TextRNNClassifier])
def test_classifier_interrupt_follows_skorch(cls, review_texts):
    """skorch's documented behaviour: training stops, the model keeps its weights."""
    texts, y = review_texts
    clf = cls(**{**FAST_CLF, "max_epochs": 5}, callbacks=[InterruptAt(2)]).fit(texts, y)
    assert len(clf.net_.history) == 2                 # stopped after epoch 2 of 5
    proba = clf.predict_proba(texts)
    assert proba.shape == (len(texts), 2) and np.isfinite(proba).all()
    full = cls(**{**FAST_CLF, "max_epochs": 5}).fit(texts, y)
    assert len(full.net_.history) == 5


def test_divergence_stops_with_a_clear_error_and_no_fitted_state(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(**TINY, random_state=0)
    sampler.fit_resample(X, y)
    sampler.set_params(lr=1e12, max_epochs=4)
    with pytest.raises(TrainingDivergedError, match="Lower `lr`"):
        sampler.fit_resample(X, y)
    _assert_as_if_never_fitted(sampler)


def test_a_refit_in_the_other_mode_leaves_no_stale_attributes(overlapping_binary,
                                                              review_texts):
    sampler = MISOSampler(**TINY_TEXT, random_state=0)
    sampler.fit_resample(*review_texts)
    assert hasattr(sampler, "vocabulary_")
    sampler.fit_resample(*overlapping_binary)
    assert sampler.mode_ == "dense" and not hasattr(sampler, "vocabulary_")
    with pytest.raises(ValueError, match="1d array"):
        sampler.fit_resample(overlapping_binary[0], np.c_[overlapping_binary[1]] * [1, 2])
    _assert_as_if_never_fitted(sampler)


def test_non_finite_anchors_are_never_returned(overlapping_binary, monkeypatch):
    X, y = overlapping_binary

    def broken_generate(self, x_minority, x_majority, **kwargs):
        out = np.zeros((len(x_minority), x_minority.shape[1]), dtype=np.float32)
        out[0, 0] = np.nan
        out[1, 1] = np.inf
        return out

    monkeypatch.setattr(MISONet, "generate", broken_generate)
    with pytest.raises(TrainingDivergedError, match="2 anchors are NaN or infinite"):
        MISOSampler(**TINY, random_state=0).fit_resample(X, y)


def test_fits_leave_every_global_random_state_alone(review_texts):
    texts, y = review_texts
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    states = random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state()
    MISOSampler(**TINY_TEXT, random_state=0).fit_resample(texts, y)
    TextCNNClassifier(**FAST_CLF).fit(texts, y)
    TextRNNClassifier(**FAST_CLF).fit(texts, y)
    assert random.getstate() == states[0]
    np.testing.assert_array_equal(np.random.get_state()[1], states[1])
    assert torch.equal(torch.get_rng_state(), states[2])


@pytest.mark.parametrize("cls", [TextCNNClassifier, TextRNNClassifier])
def test_classifiers_are_byte_identical_per_seed(cls, review_texts):
    texts, y = review_texts
    params = dict(FAST_CLF, max_epochs=1)
    a = cls(**params).fit(texts, y).predict_proba(texts)
    b = cls(**params).fit(texts, y).predict_proba(texts)
    c = cls(**{**params, "random_state": 1}).fit(texts, y).predict_proba(texts)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def _round_trips(obj, tmp_path):
    joblib.dump(obj, tmp_path / "obj.joblib")
    return [pickle.loads(pickle.dumps(obj)), joblib.load(tmp_path / "obj.joblib")]


@pytest.mark.parametrize("mode", ["dense", "text"])
def test_fitted_sampler_survives_pickle_and_joblib(mode, overlapping_binary, review_texts,
                                                    tmp_path):
    X, y = overlapping_binary if mode == "dense" else review_texts
    sampler = MISOSampler(**(TINY if mode == "dense" else TINY_TEXT), random_state=0)
    first = sampler.fit_resample(X, y)
    cls = next(iter(sampler.nets_))
    rows = np.flatnonzero(np.asarray(y) == cls)[:5]
    others = np.flatnonzero(np.asarray(y) != cls)[:5]
    inputs = (np.asarray(X, dtype=np.float32) if mode == "dense"
              else sampler.vocabulary_.transform([X[i] for i in range(len(X))]))
    expected = sampler.nets_[cls].generate(inputs[rows], inputs[others])
    for restored in _round_trips(sampler, tmp_path):
        assert restored.get_params().keys() == sampler.get_params().keys()
        np.testing.assert_array_equal(restored.difficult_mask_, sampler.difficult_mask_)
        np.testing.assert_array_equal(
            restored.nets_[cls].generate(inputs[rows], inputs[others]), expected)
    # and a restored object can be fitted again, identically
    again = restored.fit_resample(X, y)
    assert list(np.asarray(again[0]).ravel()) == list(np.asarray(first[0]).ravel())


@pytest.mark.parametrize("cls", [TextCNNClassifier, TextRNNClassifier])
def test_classifiers_survive_pickle_and_joblib(cls, review_texts, tmp_path):
    texts, y = review_texts
    clf = cls(**FAST_CLF).fit(texts, y)
    for restored in _round_trips(clf, tmp_path):
        np.testing.assert_array_equal(restored.predict_proba(texts), clf.predict_proba(texts))


def test_embedder_survives_pickle_and_joblib(tmp_path):
    embedder = TransformerEmbedder(batch_size=8).fit()
    texts = ["a warm and funny film", "dull, slow and far too long"]
    for restored in _round_trips(embedder, tmp_path):
        np.testing.assert_array_equal(restored.transform(texts), embedder.transform(texts))


def test_weights_save_and_load_with_skorch(overlapping_binary, tmp_path, monkeypatch):
    X, y = overlapping_binary
    sampler = MISOSampler(**TINY, random_state=0)
    sampler.fit_resample(X, y)
    net = sampler.nets_[1]
    files = {name: tmp_path / f"{name}.pt" for name in
             ("f_params", "f_optimizer", "f_optimizer_discriminator", "f_optimizer_mine")}
    net.save_params(**files, f_history=tmp_path / "history.json")
    inputs = X.astype(np.float32)
    expected = net.generate(inputs[y == 1][:6], inputs[y == 0][:6])

    other = copy.deepcopy(net)
    with torch.no_grad():
        for p in other.module_.parameters():
            p.add_(1.0)
    assert not np.allclose(other.generate(inputs[y == 1][:6], inputs[y == 0][:6]), expected)

    calls = []
    real_load = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: calls.append(k) or real_load(*a, **k))
    other.load_params(**files, f_history=tmp_path / "history.json")
    np.testing.assert_array_equal(other.generate(inputs[y == 1][:6], inputs[y == 0][:6]),
                                  expected)
    assert len(other.history) == len(net.history)
    assert calls and all(k.get("weights_only") is True for k in calls)
    assert net.torch_load_kwargs == {"weights_only": True}
    assert TextCNNClassifier(**FAST_CLF).fit(*_two_class_texts()).net_.torch_load_kwargs == {
        "weights_only": True}


def _two_class_texts():
    return ["good fun film"] * 12 + ["bad dull film"] * 12, [0] * 12 + [1] * 12


def test_no_unsafe_loading_anywhere_in_the_package():
    """Every torch.load passes weights_only=True; transformers never trusts remote code."""
    root = Path(miso_resample.__file__).parent
    for path in root.rglob("*.py"):
        source = path.read_text()
        for call in re.findall(r"torch\.load\([^)]*\)", source):
            assert "weights_only=True" in call, f"{path}: {call}"
        assert "trust_remote_code=True" not in source, path
        for call in re.findall(r"from_pretrained\([^)]*\)", source):
            assert "local_files_only=True" in call, f"{path}: {call}"


@pytest.mark.parametrize("mode", ["dense", "text"])
def test_bfloat16_autocast(mode, overlapping_binary, review_texts):
    """precision="bfloat16" really runs the network in bf16 and still gives valid anchors."""
    X, y = overlapping_binary if mode == "dense" else review_texts
    params = dict(TINY if mode == "dense" else TINY_TEXT, random_state=0)
    seen = set()

    class RecordDtypes(Callback):
        """Records the output dtype of the encoder's first Linear layer during training."""

        def on_train_begin(self, net, **kwargs):
            layer = next(m for m in net.module_.encoder.modules()
                         if isinstance(m, torch.nn.Linear))
            layer.register_forward_hook(lambda module, inputs, out: seen.add(out.dtype))

    bf16 = MISOSampler(**params, precision="bfloat16", callbacks=[RecordDtypes()])
    out16 = bf16.fit_resample(X, y)
    out32 = MISOSampler(**params).fit_resample(X, y)
    assert seen == {torch.bfloat16}                   # every training forward pass in bf16
    assert len(out16[1]) == len(out32[1])
    if mode == "dense":
        assert out16[0].dtype == X.dtype and np.isfinite(out16[0]).all()
        assert not np.array_equal(out16[0], out32[0])
    else:
        assert all(isinstance(t, str) and t.strip() for t in out16[0][len(X):])
    net = bf16.nets_[next(iter(bf16.nets_))]
    assert all(p.dtype == torch.float32 for p in net.module_.parameters())
