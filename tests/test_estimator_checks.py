"""imbalanced-learn's sampler checks and scikit-learn's API checks on MISOSampler.

No check is expected to fail: the list below is complete, with no exclusions.
"""

import pickle

import numpy as np
import pytest
from imblearn.utils.estimator_checks import (
    _get_check_estimator_ids,
    check_param_validation,
    estimator_checks_generator,
)
from sklearn.utils.estimator_checks import (
    check_dont_overwrite_parameters,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from miso_resample import MISOSampler

from .conftest import TINY

SAMPLER = MISOSampler(random_state=0, **TINY)
IMBLEARN_CHECKS = list(estimator_checks_generator(SAMPLER, mark="xfail"))
# The checks that train on imblearn's larger datasets (2-10 s each on 2 CPU cores).
SLOW_CHECKS = {"check_samplers_fit_resample", "check_samplers_sampling_strategy_fit_resample",
               "check_samplers_sparse", "check_samplers_pandas",
               "check_samplers_pandas_sparse", "check_samplers_list",
               "check_samplers_multiclass_ova", "check_samplers_preserve_dtype",
               "check_samplers_sample_indices", "check_samplers_2d_target"}


def _check_name(check):
    return getattr(check, "func", check).__name__


@pytest.mark.parametrize("estimator, check", [
    pytest.param(estimator, check, marks=[pytest.mark.slow] if _check_name(check) in SLOW_CHECKS
                 else [], id=_get_check_estimator_ids(check))
    for estimator, check in IMBLEARN_CHECKS])
def test_imblearn_sampler_checks(estimator, check):
    check(estimator)


def test_imblearn_runs_all_sampler_checks():
    # Sparse and pandas checks run too: the sampler accepts both.
    names = {_get_check_estimator_ids(check) for _, check in IMBLEARN_CHECKS}
    assert len(IMBLEARN_CHECKS) >= 15
    assert any("sparse" in n for n in names) and any("pandas" in n for n in names)
    # no check is expected to fail, and the slow list names real checks
    assert not any(hasattr(item, "marks") for item in IMBLEARN_CHECKS)
    assert SLOW_CHECKS < {_check_name(check) for _, check in IMBLEARN_CHECKS}


@pytest.mark.parametrize("check", [
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_dont_overwrite_parameters,
    check_param_validation,
])
def test_sklearn_api_checks(check):
    check("MISOSampler", MISOSampler(random_state=0, **TINY))


@pytest.mark.slow
def test_fitted_sampler_pickles(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **TINY).fit(X, y)
    X_res, _ = MISOSampler(random_state=0, **TINY).fit_resample(X, y)
    fitted = MISOSampler(random_state=0, **TINY)
    fitted.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.sampling_strategy_ == fitted.sampling_strategy_
    np.testing.assert_array_equal(restored.anchor_sources_, fitted.anchor_sources_)
    assert set(restored.nets_) == {1}
    again, _ = restored.fit_resample(X, y)
    np.testing.assert_array_equal(again, X_res)
    assert sampler.sampling_strategy_ == {1: int((y == 0).sum() - (y == 1).sum())}
