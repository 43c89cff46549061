"""MISOSampler where ADASYN or SMOTE would go: imblearn Pipeline and GridSearchCV."""

import numpy as np
import pytest
from imblearn.over_sampling import ADASYN, SMOTE
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from miso_resample import MISOSampler
from miso_resample.difficulty import difficult_share

from .conftest import TINY


@pytest.mark.slow
def test_grid_search_over_miso_params_and_sampler_choice(overlapping_binary):
    X, y = overlapping_binary
    pipe = Pipeline([("sampler", MISOSampler(random_state=0, **TINY)),
                     ("clf", LogisticRegression(max_iter=500))])
    grid = GridSearchCV(pipe, [
        {"sampler": [MISOSampler(random_state=0, **TINY)],
         "sampler__k_neighbors": [3, 5], "sampler__sampling_strategy": ["auto", 0.5]},
        {"sampler": [ADASYN(random_state=0)], "sampler__n_neighbors": [3, 5]},
    ], scoring="f1", cv=StratifiedKFold(3, shuffle=True, random_state=0), refit=True)
    grid.fit(X, y)
    results = grid.cv_results_
    assert len(results["params"]) == 6
    assert np.isfinite(results["mean_test_score"]).all()
    # the refitted best pipeline predicts both classes
    assert set(grid.predict(X)) == {0, 1}
    assert hasattr(grid.best_estimator_.named_steps["clf"], "coef_")
    miso_rows = [i for i, p in enumerate(results["params"])
                 if isinstance(p["sampler"], MISOSampler)]
    assert len(miso_rows) == 4


def test_pipeline_does_not_resample_at_predict_time(overlapping_binary):
    X, y = overlapping_binary
    pipe = Pipeline([("sampler", MISOSampler(random_state=0, **TINY)),
                     ("clf", LogisticRegression(max_iter=500))]).fit(X, y)
    assert pipe.predict(X).shape == y.shape
    assert pipe.named_steps["sampler"].anchor_sources_.shape == (320,)


@pytest.mark.slow
def test_difficult_share_before_and_after_next_to_smote_adasyn(overlapping_binary):
    """Table 4 analogue on an overlapping problem: share of difficult minority rows.

    Balancing fully, MISO's anchors sit next to their sources (residual decoder),
    so every minority row ends up among minority neighbours; SMOTE and ADASYN
    interpolate into the overlap and leave about 12% of the minority difficult.
    """
    X, y = overlapping_binary
    before = difficult_share(X, y, minority_class=1)
    sampler = MISOSampler(random_state=0, max_epochs=10, pretrain_epochs=2, lr=1e-3,
                          latent_dim=16, n_heads=4, hidden_dim=64)
    X_miso, y_miso = sampler.fit_resample(X, y)
    anchors = X_miso[len(X):]
    assert np.isfinite(anchors).all() and anchors.dtype == X.dtype
    shares = {"MISO": difficult_share(X_miso, y_miso, minority_class=1)}
    for sampler in (SMOTE(random_state=0), ADASYN(random_state=0)):
        X_res, y_res = sampler.fit_resample(X, y)
        shares[type(sampler).__name__] = difficult_share(X_res, y_res, minority_class=1)
    assert before > 0.5                     # the classes overlap
    assert shares["MISO"] < before          # anchors leave the overlapping region
    assert shares["SMOTE"] < before and shares["ADASYN"] < before
    # the comparison of Table 4: MISO leaves fewer difficult minority rows than both
    assert shares["MISO"] < min(shares["SMOTE"], shares["ADASYN"]), shares
