"""Faults and reuse (issue #6): interruption, divergence, determinism, persistence."""

import ast
import copy
import pickle
import random
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
from miso_resample._engine.net import MISONet
from miso_resample.classifiers import TextCNNClassifier, TextRNNClassifier
from miso_resample.embeddings import TransformerEmbedder
from miso_resample.exceptions import TrainingDivergedError
from miso_resample.utils.devices import seeded_torch

from .conftest import TINY, TINY_TEXT, tiny_scratch

RNN_SLOW = pytest.param(TextRNNClassifier, marks=pytest.mark.slow, id="TextRNNClassifier")
FAST_CLF = dict(device="cpu", max_epochs=2, batch_size=16, word_vectors=None, max_length=16,
                random_state=0)


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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_divergence_stops_with_a_clear_error_and_no_fitted_state(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(**TINY, random_state=0)
    sampler.fit_resample(X, y)
    sampler.set_params(lr=1e12, max_epochs=4)
    with pytest.raises(TrainingDivergedError, match="Lower `lr`"):
        sampler.fit_resample(X, y)
    _assert_as_if_never_fitted(sampler)


@pytest.mark.slow
def test_a_refit_in_the_other_mode_leaves_no_stale_attributes(overlapping_binary,
                                                              review_texts):
    sampler = MISOSampler(**TINY, random_state=0)        # decoder="auto": either mode
    sampler.fit_resample(*review_texts)
    assert hasattr(sampler, "n_redecoded_") and sampler.decoder_.mode == "text"
    sampler.fit_resample(*overlapping_binary)
    assert sampler.decoder_.mode == "dense"
    assert sampler.mode_ == "dense" and not hasattr(sampler, "n_redecoded_")
    with pytest.raises(ValueError, match="1d array"):
        sampler.fit_resample(overlapping_binary[0], np.c_[overlapping_binary[1]] * [1, 2])
    _assert_as_if_never_fitted(sampler)


@pytest.mark.parametrize("early_stopping", [None, 3])
def test_non_finite_anchors_are_never_returned(overlapping_binary, monkeypatch, early_stopping):
    """Neither the final anchors nor the held-back anchors of early stopping."""
    X, y = overlapping_binary

    def broken_generate(self, x_minority, x_majority, **kwargs):
        out = np.zeros((len(x_minority), x_minority.shape[1]), dtype=np.float32)
        out[0, 0] = np.nan
        out[1, 1] = np.inf
        return out

    monkeypatch.setattr(MISONet, "generate", broken_generate)
    sampler = MISOSampler(**TINY, early_stopping=early_stopping, random_state=0)
    match = "2 anchors are NaN or infinite" if early_stopping is None else "NaN or infinite"
    with pytest.raises(TrainingDivergedError, match=match):
        sampler.fit_resample(X, y)
    _assert_as_if_never_fitted(sampler)


@pytest.mark.slow
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


@pytest.mark.parametrize("cls", [TextCNNClassifier, RNN_SLOW])
def test_classifiers_are_byte_identical_per_seed(cls, review_texts):
    texts, y = review_texts
    params = dict(FAST_CLF, max_epochs=1)
    a = cls(**params).fit(texts, y).predict_proba(texts)
    b = cls(**params).fit(texts, y).predict_proba(texts)
    c = cls(**{**params, "random_state": 1}).fit(texts, y).predict_proba(texts)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()


def _generate(net, x_minority, x_majority):
    """``net.generate`` with torch seeded: generation samples ``latent_noise``."""
    with seeded_torch(0):
        return net.generate(x_minority, x_majority)


def _round_trips(obj, tmp_path):
    joblib.dump(obj, tmp_path / "obj.joblib")
    return [pickle.loads(pickle.dumps(obj)), joblib.load(tmp_path / "obj.joblib")]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["dense", "text"])
def test_fitted_sampler_survives_pickle_and_joblib(mode, overlapping_binary, review_texts,
                                                    tmp_path):
    X, y = overlapping_binary if mode == "dense" else review_texts
    # text: the from-scratch decoder, whose nets take the vocabulary's token ids
    sampler = MISOSampler(**(TINY if mode == "dense" else dict(TINY_TEXT, decoder=tiny_scratch())),
                          random_state=0)
    first = sampler.fit_resample(X, y)
    cls = next(iter(sampler.nets_))
    rows = np.flatnonzero(np.asarray(y) == cls)[:5]
    others = np.flatnonzero(np.asarray(y) != cls)[:5]
    inputs = (np.asarray(X, dtype=np.float32) if mode == "dense"
              else sampler.vocabulary_.transform([X[i] for i in range(len(X))]))
    expected = _generate(sampler.nets_[cls], inputs[rows], inputs[others])
    for restored in _round_trips(sampler, tmp_path):
        assert restored.get_params().keys() == sampler.get_params().keys()
        np.testing.assert_array_equal(restored.difficult_mask_, sampler.difficult_mask_)
        np.testing.assert_array_equal(
            _generate(restored.nets_[cls], inputs[rows], inputs[others]), expected)
    # and a restored object can be fitted again, identically
    again = restored.fit_resample(X, y)
    assert list(np.asarray(again[0]).ravel()) == list(np.asarray(first[0]).ravel())


@pytest.mark.parametrize("cls", [TextCNNClassifier, RNN_SLOW])
def test_classifiers_survive_pickle_and_joblib(cls, review_texts, tmp_path):
    texts, y = review_texts
    clf = cls(**FAST_CLF).fit(texts, y)
    for restored in _round_trips(clf, tmp_path):
        np.testing.assert_array_equal(restored.predict_proba(texts), clf.predict_proba(texts))


@pytest.mark.slow
def test_embedder_survives_pickle_and_joblib(tmp_path):
    embedder = TransformerEmbedder(batch_size=8).fit()
    texts = ["a warm and funny film", "dull, slow and far too long"]
    for restored in _round_trips(embedder, tmp_path):
        np.testing.assert_array_equal(restored.transform(texts), embedder.transform(texts))


@pytest.mark.slow
def test_weights_save_and_load_with_skorch(overlapping_binary, tmp_path, monkeypatch):
    X, y = overlapping_binary
    sampler = MISOSampler(**TINY, random_state=0)
    sampler.fit_resample(X, y)
    net = sampler.nets_[1]
    files = {name: tmp_path / f"{name}.pt" for name in
             ("f_params", "f_optimizer", "f_optimizer_discriminator", "f_optimizer_mine")}
    net.save_params(**files, f_history=tmp_path / "history.json")
    inputs = X.astype(np.float32)
    expected = _generate(net, inputs[y == 1][:6], inputs[y == 0][:6])

    other = copy.deepcopy(net)
    with torch.no_grad():
        for p in other.module_.parameters():
            p.add_(1.0)
    assert not np.allclose(_generate(other, inputs[y == 1][:6], inputs[y == 0][:6]), expected)

    calls = []
    real_load = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: calls.append(k) or real_load(*a, **k))
    other.load_params(**files, f_history=tmp_path / "history.json")
    np.testing.assert_array_equal(_generate(other, inputs[y == 1][:6], inputs[y == 0][:6]),
                                  expected)
    assert len(other.history) == len(net.history)
    assert calls and all(k.get("weights_only") is True for k in calls)
    assert net.torch_load_kwargs == {"weights_only": True}
    assert TextCNNClassifier(**FAST_CLF).fit(*_two_class_texts()).net_.torch_load_kwargs == {
        "weights_only": True}


def _two_class_texts():
    return ["good fun film"] * 12 + ["bad dull film"] * 12, [0] * 12 + [1] * 12


SKORCH_NETS = {"NeuralNet", "NeuralNetClassifier", "NeuralNetRegressor",
               "NeuralNetBinaryClassifier"}


def _name(node):
    """``torch.load`` -> ("torch", "load"); ``NeuralNet`` -> (None, "NeuralNet")."""
    if isinstance(node, ast.Attribute):
        return (node.value.id if isinstance(node.value, ast.Name) else None), node.attr
    return (None, node.id) if isinstance(node, ast.Name) else (None, None)


def _keyword(call, name):
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_const(node, value):
    return isinstance(node, ast.Constant) and node.value is value


def _weights_only_dict(node):
    return (isinstance(node, ast.Dict) and len(node.keys) == 1
            and isinstance(node.keys[0], ast.Constant) and node.keys[0].value == "weights_only"
            and _is_const(node.values[0], True))


def scan_loading(sources):
    """Unsafe loading in ``{filename: source}``; returns ``(problems, counts)``.

    Flags ``torch.load`` without ``weights_only=True``, ``pickle.load(s)``,
    ``np.load(..., allow_pickle=True)``, ``from_pretrained`` without
    ``local_files_only=True`` or with ``trust_remote_code`` not ``False``, and a
    skorch net (or a package subclass of one) built without
    ``torch_load_kwargs={"weights_only": True}``, unless the class's own
    ``__init__`` takes ``torch_load_kwargs`` (it then sets the default itself; the
    nets the package builds are checked at run time below).
    """
    trees = {name: ast.parse(source, filename=name) for name, source in sources.items()}
    nets, self_defaulting = set(SKORCH_NETS), set()
    for tree in trees.values():               # package subclasses of skorch nets
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    _name(b)[1] in SKORCH_NETS for b in node.bases):
                nets.add(node.name)
                init = next((f for f in node.body if isinstance(f, ast.FunctionDef)
                             and f.name == "__init__"), None)
                if init and "torch_load_kwargs" in [a.arg for a in init.args.kwonlyargs
                                                    + init.args.args]:
                    self_defaulting.add(node.name)
    problems, counts = [], {"files": len(trees), "torch.load": 0, "from_pretrained": 0,
                            "skorch nets": 0}
    for filename, tree in trees.items():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            owner, name = _name(call.func)
            where = f"{filename}:{call.lineno}"
            if (owner, name) == ("torch", "load"):
                counts["torch.load"] += 1
                if not _is_const(_keyword(call, "weights_only"), True):
                    problems.append(f"{where}: torch.load without weights_only=True")
            elif owner == "pickle" and name in ("load", "loads"):
                problems.append(f"{where}: pickle.{name}")
            elif owner in ("np", "numpy") and name == "load":
                if _keyword(call, "allow_pickle") is not None and not _is_const(
                        _keyword(call, "allow_pickle"), False):
                    problems.append(f"{where}: np.load with allow_pickle")
            elif name == "from_pretrained":
                counts["from_pretrained"] += 1
                if not _is_const(_keyword(call, "local_files_only"), True):
                    problems.append(f"{where}: from_pretrained without local_files_only=True")
                remote = _keyword(call, "trust_remote_code")
                if remote is not None and not _is_const(remote, False):
                    problems.append(f"{where}: from_pretrained with trust_remote_code")
            elif name in nets and name not in self_defaulting:
                counts["skorch nets"] += 1
                if not _weights_only_dict(_keyword(call, "torch_load_kwargs")):
                    problems.append(f"{where}: {name} without "
                                    "torch_load_kwargs={'weights_only': True}")
    return problems, counts


def test_no_unsafe_loading_anywhere_in_the_package():
    """Static scan of every module of the package (AST, not text)."""
    root = Path(miso_resample.__file__).parent
    sources = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
               for path in sorted(root.rglob("*.py"))}
    problems, counts = scan_loading(sources)
    assert not problems, "\n".join(problems)
    # the scan saw the package: its modules, the embedder's two from_pretrained calls
    # and at least the TextCNN/TextRNN skorch net
    assert counts["files"] == len(sources) >= 20
    assert {"_engine/net.py", "_sampler.py", "classifiers/_base.py",
            "embeddings.py"} <= set(sources)
    assert counts["from_pretrained"] >= 2 and counts["skorch nets"] >= 1, counts


def test_the_loading_scan_catches_unsafe_calls():
    unsafe = {"bad.py": """
import pickle, torch, numpy as np
from skorch import NeuralNetClassifier
class MyNet(NeuralNetClassifier):
    pass
torch.load("a.pt")
torch.load("a.pt", weights_only=False)
pickle.loads(b"")
np.load("x.npy", allow_pickle=True)
AutoModel.from_pretrained("m")
AutoModel.from_pretrained("m", local_files_only=True, trust_remote_code=True)
NeuralNetClassifier(module)
MyNet(module, torch_load_kwargs={"weights_only": False})
"""}
    problems, counts = scan_loading(unsafe)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "torch.load without weights_only=True", "torch.load without weights_only=True",
        "pickle.loads", "np.load with allow_pickle",
        "from_pretrained without local_files_only=True",
        "from_pretrained with trust_remote_code",
        "NeuralNetClassifier without torch_load_kwargs={'weights_only': True}",
        "MyNet without torch_load_kwargs={'weights_only': True}"]
    safe = {"ok.py": """
import torch, numpy as np
torch.load("a.pt", weights_only=True)
np.load("x.npy")
AutoModel.from_pretrained("m", local_files_only=True, trust_remote_code=False)
NeuralNetClassifier(module, torch_load_kwargs={"weights_only": True})
"""}
    assert scan_loading(safe) == ([], {"files": 1, "torch.load": 1, "from_pretrained": 1,
                                       "skorch nets": 1})


@pytest.mark.slow
def test_every_skorch_net_the_package_builds_loads_weights_only(overlapping_binary,
                                                                 tmp_path, monkeypatch):
    """The nets themselves: MISOSampler's ``nets_`` and the classifiers' ``net_``."""
    X, y = overlapping_binary
    sampler = MISOSampler(**TINY, random_state=0)
    sampler.fit_resample(X, y)
    texts, labels = _two_class_texts()
    nets = {f"MISOSampler.nets_[{c}]": net for c, net in sampler.nets_.items()}
    for cls in (TextCNNClassifier, TextRNNClassifier):
        nets[f"{cls.__name__}.net_"] = cls(**{**FAST_CLF, "max_epochs": 1}).fit(
            texts, labels).net_
    assert len(nets) == 3
    calls = []
    real_load = torch.load
    monkeypatch.setattr(torch, "load", lambda *a, **k: calls.append(k) or real_load(*a, **k))
    for name, net in nets.items():
        assert net.torch_load_kwargs == {"weights_only": True}, name
        # and skorch really passes it on when loading the weights back
        net.save_params(f_params=tmp_path / "params.pt")
        calls.clear()
        net.load_params(f_params=tmp_path / "params.pt")
        assert calls and all(k.get("weights_only") is True for k in calls), name


@pytest.mark.slow
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
