"""MISOSampler in dense mode: counts, containers, dtypes, anchors, errors, reproducibility."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from skorch.callbacks import Checkpoint

from miso_resample import MISOSampler, find_difficult_samples

from .conftest import class_counts


def test_binary_balances_and_appends_after_originals(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **tiny_params)
    X_res, y_res = sampler.fit_resample(X, y)
    n_new = int((y == 0).sum() - (y == 1).sum())
    assert class_counts(y_res) == {0: 360, 1: 360}
    assert sampler.sampling_strategy_ == {1: n_new}
    np.testing.assert_array_equal(X_res[:len(X)], X)
    np.testing.assert_array_equal(y_res[len(y):], np.ones(n_new))
    assert sampler.anchor_sources_.shape == (n_new,)
    assert sampler.n_features_in_ == X.shape[1]
    assert list(sampler.nets_) == [1]


def test_anchors_are_finite_new_and_come_from_difficult_samples(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **tiny_params)
    X_res, _ = sampler.fit_resample(X, y)
    anchors = X_res[len(X):]
    assert np.isfinite(anchors).all()
    # not copies of any input row
    distances = np.abs(anchors[:, None, :] - X[None, :, :]).sum(-1)
    assert distances.min() > 1e-6
    # every source is a difficult minority sample, and difficult_mask_ is section 7.1's
    expected_mask = find_difficult_samples(X, y, k_neighbors=5, minority_class=[1])
    np.testing.assert_array_equal(sampler.difficult_mask_, expected_mask)
    assert sampler.difficult_mask_[sampler.anchor_sources_].all()
    assert (y[sampler.anchor_sources_] == 1).all()
    # sources are spread over all difficult samples (round robin)
    used, counts = np.unique(sampler.anchor_sources_, return_counts=True)
    assert set(used) == set(np.flatnonzero(expected_mask))
    assert counts.max() - counts.min() <= 1


@pytest.mark.slow
def test_anchors_stay_near_their_sources(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, max_epochs=15, pretrain_epochs=3, lr=1e-3,
                          latent_dim=16, n_heads=4, hidden_dim=64)
    X_res, _ = sampler.fit_resample(X, y)
    anchors = X_res[len(X):]
    to_source = np.linalg.norm(anchors - X[sampler.anchor_sources_], axis=1).mean()
    minority = X[y == 1]
    between = np.linalg.norm(minority[:, None] - minority[None], axis=-1).mean()
    assert to_source < 0.75 * between


def test_no_difficult_sample_falls_back_to_all_samples(tiny_params):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 0.1, (60, 3)), rng.normal(10, 0.1, (12, 3))])
    y = np.array([0] * 60 + [1] * 12)
    sampler = MISOSampler(random_state=0, **tiny_params)
    _, y_res = sampler.fit_resample(X, y)
    assert not sampler.difficult_mask_.any()
    assert set(sampler.anchor_sources_) == set(range(60, 72))
    assert class_counts(y_res) == {0: 60, 1: 60}


def test_multiclass_one_net_per_minority_class(three_classes, tiny_params):
    X, y = three_classes
    counts = class_counts(y)
    sampler = MISOSampler(random_state=0, **tiny_params)
    X_res, y_res = sampler.fit_resample(X, y)
    majority = max(counts.values())
    assert class_counts(y_res) == {c: majority for c in counts}
    assert set(sampler.nets_) == {c for c, n in counts.items() if n < majority}
    # sources of each anchor block belong to that block's class
    labels = y_res[len(y):]
    np.testing.assert_array_equal(y[sampler.anchor_sources_], labels)
    # each class trained against all the rest
    for cls, net in sampler.nets_.items():
        assert net.n_minority == counts[cls] and net.n_majority == len(y) - counts[cls]


@pytest.mark.slow
@pytest.mark.parametrize("strategy, expected", [
    ({1: 200}, {0: 360, 1: 200}),
    (0.5, {0: 360, 1: 180}),
    ("minority", {0: 360, 1: 360}),
    (lambda y: {1: 100}, {0: 360, 1: 100}),
])
def test_sampling_strategy_forms(overlapping_binary, tiny_params, strategy, expected):
    X, y = overlapping_binary
    _, y_res = MISOSampler(sampling_strategy=strategy, random_state=0,
                           **tiny_params).fit_resample(X, y)
    assert class_counts(y_res) == expected


def test_nothing_to_generate_returns_input(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    sampler = MISOSampler(sampling_strategy={1: 40}, random_state=0, **tiny_params)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    assert sampler.nets_ == {} and sampler.anchor_sources_.shape == (0,)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(overlapping_binary, tiny_params, dtype):
    X, y = overlapping_binary
    X_res, y_res = MISOSampler(random_state=0, **tiny_params).fit_resample(
        X.astype(dtype), y.astype(np.int32))
    assert X_res.dtype == dtype and y_res.dtype == np.int32


@pytest.mark.slow
def test_containers_round_trip(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **tiny_params)
    X_ref, y_ref = sampler.fit_resample(X, y)
    X_df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])],
                        index=np.arange(1000, 1000 + len(X)))
    X_res, y_res = sampler.fit_resample(X_df, pd.Series(y, name="label"))
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X_df.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    np.testing.assert_array_equal(X_res.to_numpy(), X_ref)
    np.testing.assert_array_equal(sampler.feature_names_in_, X_df.columns)
    X_list, y_list = sampler.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list)
    np.testing.assert_array_equal(np.asarray(X_list), X_ref)


@pytest.mark.slow
def test_sparse_input_gives_sparse_output(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    X_ref, _ = MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)
    X_res, _ = MISOSampler(random_state=0, **tiny_params).fit_resample(sparse.csc_matrix(X), y)
    assert sparse.issparse(X_res) and X_res.format == "csc"
    np.testing.assert_allclose(X_res.toarray(), X_ref)


@pytest.mark.slow
def test_string_labels(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    labels = np.array(["ham", "spam"], dtype=object)[y]
    _, y_res = MISOSampler(random_state=0, **tiny_params).fit_resample(X, labels)
    assert class_counts(y_res) == {"ham": 360, "spam": 360}


@pytest.mark.slow
def test_reproducible_and_seed_sensitive(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    a, _ = MISOSampler(random_state=7, **tiny_params).fit_resample(X, y)
    b, _ = MISOSampler(random_state=7, **tiny_params).fit_resample(X, y)
    c, _ = MISOSampler(random_state=8, **tiny_params).fit_resample(X, y)
    assert a.tobytes() == b.tobytes()
    assert not np.allclose(a[len(X):], c[len(X):])
    rs = np.random.RandomState(3)
    d, _ = MISOSampler(random_state=rs, **tiny_params).fit_resample(X, y)
    assert d.shape == a.shape


@pytest.mark.slow
def test_inputs_and_global_random_state_untouched(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    X_copy, y_copy = X.copy(), y.copy()
    np.random.seed(0)
    torch.manual_seed(0)
    np_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()
    MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


@pytest.mark.slow
def test_cag_only_ablation(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    full = MISOSampler(random_state=0, **tiny_params)
    cag = MISOSampler(random_state=0, use_mi=False, **tiny_params)
    X_full, _ = full.fit_resample(X, y)
    X_cag, y_cag = cag.fit_resample(X, y)
    assert class_counts(y_cag) == {0: 360, 1: 360}
    net = cag.nets_[1]
    assert not hasattr(net.module_, "sfm") and "pretrain_mine" not in net.history[:, "phase"]
    assert hasattr(full.nets_[1].module_, "sfm")
    assert not np.allclose(X_full[len(X):], X_cag[len(X):])


@pytest.mark.slow
def test_history_and_verbose_progress(overlapping_binary, tiny_params, capsys):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, verbose=1, **tiny_params)
    X_verbose, y_verbose = sampler.fit_resample(X, y)
    out = capsys.readouterr()
    assert "MISO: class 1 (1/1)" in out.out
    assert "tau" in out.out and "adversarial" in out.out     # skorch's epoch table
    history = sampler.nets_[1].history
    assert len(history) == 4 and history[-1, "phase"] == "adversarial"
    # verbose=0 is silent, and verbosity changes nothing but the output
    X_quiet, y_quiet = MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)
    assert capsys.readouterr().out == ""
    assert class_counts(y_quiet) == {0: 360, 1: 360}
    np.testing.assert_array_equal(y_quiet, y_verbose)
    np.testing.assert_array_equal(X_quiet, X_verbose)


@pytest.mark.slow
def test_user_callbacks_are_used(overlapping_binary, tiny_params, tmp_path):
    X, y = overlapping_binary
    checkpoint = Checkpoint(monitor=None, dirname=str(tmp_path), f_history="history.json")
    sampler = MISOSampler(random_state=0, callbacks=[checkpoint], **tiny_params)
    sampler.fit_resample(X, y)
    assert (tmp_path / "params.pt").exists() and (tmp_path / "history.json").exists()
    assert checkpoint.dirname == str(tmp_path)      # the user's object was copied, not used


# -- errors raised before any training ---------------------------------------------------
@pytest.mark.parametrize("X_y, match", [
    (lambda X, y: (X, np.zeros_like(y)), "class"),
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X), y), "NaN"),
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.inf, X), y),
     "infinity"),
    (lambda X, y: (X[:-1], y), "inconsistent numbers of samples"),
    (lambda X, y: (X, y + 0.5), "Unknown label type"),
])
def test_bad_data_raises(overlapping_binary, tiny_params, X_y, match):
    X, y = X_y(*overlapping_binary)
    with pytest.raises(ValueError, match=match):
        MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)


@pytest.mark.parametrize("params, match", [
    (dict(k_neighbors=40), "k_neighbors=40 must be smaller than the number of samples"),
    (dict(sampling_strategy="everything"), "sampling_strategy"),
    (dict(sampling_strategy={1: 10}), "greater or equal to the original number"),
    (dict(sampling_strategy={5: 500}), "are not present in the data"),
    (dict(device="tpu"), "device"),
    (dict(device="cuda:7"), "device"),
    (dict(latent_dim=10, n_heads=4), "multiple of n_heads"),
    (dict(lr=0.0), "lr"),
    (dict(max_epochs=0), "max_epochs"),
])
def test_bad_params_raise_before_training(overlapping_binary, tiny_params, params, match):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **{**tiny_params, **params})
    with pytest.raises(ValueError, match=match):
        sampler.fit_resample(X, y)
    assert not hasattr(sampler, "nets_")


@pytest.mark.slow
def test_constant_features_stay_constant(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    X = np.hstack([X, np.full((len(X), 1), 3.0)])
    X_res, _ = MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)
    np.testing.assert_array_equal(X_res[:, -1], 3.0)


def test_single_sample_class_is_rejected(overlapping_binary, tiny_params):
    X, y = overlapping_binary
    y = y.copy()
    y[np.flatnonzero(y == 1)[1:]] = 0
    with pytest.raises(ValueError, match="single sample"):
        MISOSampler(random_state=0, **tiny_params).fit_resample(X, y)


@pytest.mark.slow
def test_checkpoints_of_several_classes_do_not_collide(three_classes, tiny_params, tmp_path):
    X, y = three_classes
    sampler = MISOSampler(random_state=0, **tiny_params,
                          callbacks=[Checkpoint(monitor=None, dirname=str(tmp_path))])
    sampler.fit_resample(X, y)
    files = sorted(p.name for p in tmp_path.glob("*params.pt"))
    assert files == sorted(f"class_{c}_params.pt" for c in sampler.nets_)
