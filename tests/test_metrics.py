"""Anchor-quality metrics (miso_resample.metrics) against hand-computed values."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier

from miso_resample.metrics import (
    anchor_report,
    distinct_n,
    knn_precision_recall,
    text_anchor_report,
    tokenize,
)

# Two classes mirrored around the origin: the mean of X is exactly (0, 0).
X2 = np.array([[-2., -1.], [-2., 1.], [-4., -1.], [-4., 1.],
               [2., -1.], [2., 1.], [4., -1.], [4., 1.]])
Y2 = np.array([0, 0, 0, 0, 1, 1, 1, 1])


def report_of(anchors, sources=None, X=X2, y=Y2, cls=1, **kwargs):
    anchors = np.asarray(anchors, dtype=float)
    X_res = np.vstack([X, anchors])
    y_res = np.concatenate([y, np.full(len(anchors), cls)])
    return anchor_report(X, y, X_res, y_res, sources=sources, **kwargs)


# -- anchor_report: geometry -------------------------------------------------------------
def test_anchors_on_their_sources():
    report = report_of(X2[[4, 4, 5]], sources=[4, 4, 5])
    assert list(report) == [1]
    out = report[1]
    assert out["n_anchors"] == 3
    assert out["shrinkage"] == pytest.approx(1.0)
    assert out["shrinkage_median"] == pytest.approx(1.0)
    assert out["own_source_nearest"] == 1.0
    assert out["duplicate_rate"] == pytest.approx(2 / 3)   # the two copies of row 4
    assert report_of(X2[[4, 4]], sources=[4, 4])[1]["duplicate_rate"] == 1.0


def test_duplicates_need_the_same_source_and_tolerance():
    # Same point, different sources: not duplicates.
    assert report_of(X2[[4, 4]], sources=[4, 5])[1]["duplicate_rate"] == 0.0
    # Class 1 spread: every sample is sqrt(1 + 1) from the centroid (3, 0).
    spread = np.sqrt(2.0)
    near = [[2., -1.], [2. + 0.04 * spread, -1.]]
    far = [[2., -1.], [2. + 0.06 * spread, -1.]]
    assert report_of(near, sources=[4, 4])[1]["duplicate_rate"] == 1.0
    assert report_of(far, sources=[4, 4])[1]["duplicate_rate"] == 0.0
    assert report_of(far, sources=[4, 4], duplicate_tol=0.1)[1]["duplicate_rate"] == 1.0


def test_shrinkage_toward_the_mean():
    assert report_of([[0., 0.], [0., 0.]], sources=[4, 6])[1]["shrinkage"] == 0.0
    half = report_of(0.5 * X2[[4, 6, 7]], sources=[4, 6, 7])[1]
    assert half["shrinkage"] == pytest.approx(0.5)
    assert half["shrinkage_median"] == pytest.approx(0.5)
    # ratios 1, 1 and 0.25: mean 0.75, median 1
    mixed = report_of(np.vstack([X2[[4, 5]], 0.25 * X2[[6]]]), sources=[4, 5, 6])[1]
    assert mixed["shrinkage"] == pytest.approx(0.75)
    assert mixed["shrinkage_median"] == pytest.approx(1.0)
    # beyond the source: 2
    assert report_of(2 * X2[[4]], sources=[4])[1]["shrinkage"] == pytest.approx(2.0)


def test_shrinkage_uses_the_mean_of_all_original_data():
    X = np.array([[0.], [1.], [10.], [11.]])    # mean 5.5
    y = np.array([0, 0, 1, 1])
    out = report_of([[5.5 + 2.25]], sources=[2], X=X, y=y)[1]   # |7.75-5.5| / |10-5.5|
    assert out["shrinkage"] == pytest.approx(0.5)


def test_own_source_nearest():
    # (2.1, 0.9) is nearest to row 5, not to its given source, row 4.
    out = report_of([[2.1, 0.9], [4.0, 0.9]], sources=[4, 7])[1]
    assert out["own_source_nearest"] == 0.5
    # the nearest original of any class counts: (-1.9, 0.9) is nearest to class-0 row 1
    assert report_of([[-1.9, 0.9]], sources=[5])[1]["own_source_nearest"] == 0.0


def test_sources_none_takes_the_nearest_original_of_the_same_class():
    anchors = [[-1.9, 0.9], [3.9, 0.9], [2.2, -0.8]]
    inferred = report_of(anchors)[1]
    given = report_of(anchors, sources=[5, 7, 4])[1]
    assert inferred == pytest.approx(given, nan_ok=True)
    # the class-0 neighbour of (-1.9, 0.9) is not its source
    assert inferred["shrinkage"] == pytest.approx(np.mean([
        np.hypot(1.9, 0.9) / np.sqrt(5), np.hypot(3.9, 0.9) / np.sqrt(17),
        np.hypot(2.2, 0.8) / np.sqrt(5)]))
    assert inferred["own_source_nearest"] == pytest.approx(2 / 3)


# -- precision / recall ---------------------------------------------------------------------
def test_knn_precision_recall_by_hand():
    real = [[0.], [1.], [2.], [3.]]                     # k=1 radii: all 1
    assert knn_precision_recall(real, [[1.5], [10.]], k=1) == (0.5, 1.0)   # anchor radii 8.5
    # anchor radii 0.5, 0.5, 1, 1: balls cover [-0.5, 1] and [19, 22] -> real 0 and 1
    assert knn_precision_recall(real, [[0.], [0.5], [20.], [21.]], k=1) == (0.5, 0.5)
    # k=2 radii of the real points: 2, 1, 1, 2 -> [-2, 2] U [0, 2] U [1, 3] U [1, 5]
    assert knn_precision_recall(real, [[4.9], [5.1]], k=2)[0] == 0.5
    # a point on a ball's boundary is inside
    assert knn_precision_recall(real, [[4.0]], k=1)[0] == 1.0
    assert knn_precision_recall(real, [[4.01]], k=1)[0] == 0.0


def test_knn_precision_recall_caps_k_and_rejects_bad_k():
    # k=5 with 2 anchors: capped at 1 (radius 1 each) -> covers [-1, 2]: real 0, 1, 2
    assert knn_precision_recall([[0.], [1.], [2.], [3.]], [[0.], [1.]], k=5)[1] == 0.75
    with pytest.raises(ValueError, match="'k' parameter of knn_precision_recall"):
        knn_precision_recall([[0.], [1.]], [[0.]], k=0)
    with pytest.raises(ValueError, match="features"):
        knn_precision_recall([[0.], [1.]], [[0., 1.]], k=1)


def test_report_precision_recall_and_precision_other():
    X = np.array([[0.], [1.], [2.], [3.], [-10.], [-11.], [-12.], [-13.]])
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    out = report_of([[1.5], [10.]], sources=[1, 3], X=X, y=y, k_neighbors=1)[1]
    assert (out["precision"], out["recall"]) == (0.5, 1.0)
    assert out["precision_other"] == 0.0
    out = report_of([[0.], [0.5], [20.], [21.]], sources=[0, 0, 3, 3], X=X, y=y,
                    k_neighbors=1)[1]
    assert (out["precision"], out["recall"]) == (0.5, 0.5)
    # anchors among the other class, whose k=1 radii are 2 (not the class's 1)
    X[4:] = [[-10.], [-12.], [-14.], [-16.]]
    out = report_of([[-11.5], [-17.9], [2.5]], sources=[0, 0, 2], X=X, y=y, k_neighbors=1)[1]
    assert out["precision_other"] == pytest.approx(2 / 3)
    assert out["precision"] == pytest.approx(1 / 3)


# -- classifier metrics ---------------------------------------------------------------------
def test_p_class_deep_in_and_out_of_the_class():
    inside = report_of([[10., 0.], [9., 1.]], sources=[6, 7])[1]
    assert inside["p_class"] == 1.0
    assert inside["mean_proba"] > 0.9
    assert inside["p_class_sources"] == 1.0
    outside = report_of([[-10., 0.], [-9., 1.]], sources=[6, 7])[1]
    assert outside["p_class"] == 0.0
    assert outside["mean_proba"] < 0.1
    assert outside["p_class_sources"] == 1.0


def test_custom_classifier_is_cloned_and_used():
    knn = KNeighborsClassifier(n_neighbors=1)
    out = report_of([[-1.9, 0.9], [3.0, 0.0]], sources=[5, 6], classifier=knn)[1]
    assert out["p_class"] == 0.5
    assert out["mean_proba"] == 0.5
    assert not hasattr(knn, "classes_")


# -- multi-class, containers, libraries -----------------------------------------------------
def test_one_entry_per_over_sampled_class():
    X = np.array([[0., 0.], [0., 1.], [1., 0.], [5., 5.], [5., 6.], [10., 0.], [10., 1.]])
    y = np.array([0, 0, 0, 1, 1, 2, 2])
    X_res = np.vstack([X, [[5., 5.5], [10., 0.5], [10., 0.2]]])
    y_res = np.concatenate([y, [1, 2, 2]])
    report = anchor_report(X, y, X_res, y_res)
    assert sorted(report) == [1, 2]
    assert report[1]["n_anchors"] == 1 and report[2]["n_anchors"] == 2
    assert report[2]["p_class"] == 1.0


def test_string_labels_sparse_input_and_no_anchors():
    X = sparse.csr_matrix(X2)
    y = np.where(Y2 == 1, "pos", "neg")
    X_res = sparse.vstack([X, sparse.csr_matrix(X2[[4, 5]])]).tocsr()
    y_res = np.concatenate([y, ["pos", "pos"]])
    report = anchor_report(X, y, X_res, y_res, sources=[4, 5])
    assert list(report) == ["pos"]
    assert report["pos"]["shrinkage"] == pytest.approx(1.0)
    assert anchor_report(X2, Y2, X2.copy(), Y2.copy()) == {}


def test_random_over_sampler_output():
    from imblearn.over_sampling import RandomOverSampler
    X, y = make_classification(n_samples=300, n_features=6, weights=[0.8, 0.2],
                               random_state=0)
    ros = RandomOverSampler(random_state=0)
    X_res, y_res = ros.fit_resample(X, y)
    out = anchor_report(X, y, X_res, y_res)[1]
    assert out["n_anchors"] == (y == 0).sum() - (y == 1).sum()
    assert out["shrinkage"] == pytest.approx(1.0)
    assert out["own_source_nearest"] == 1.0
    assert out["duplicate_rate"] > 0.8
    assert out["precision"] == 1.0
    given = anchor_report(X, y, X_res, y_res, sources=ros.sample_indices_[len(X):])[1]
    assert given == pytest.approx(out)


def test_smote_output():
    from imblearn.over_sampling import SMOTE
    X, y = make_classification(n_samples=300, n_features=6, weights=[0.8, 0.2],
                               random_state=0)
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    out = anchor_report(X, y, X_res, y_res)[1]
    assert 0.0 < out["shrinkage"] < 1.2
    assert out["duplicate_rate"] < 0.5
    for key in ("own_source_nearest", "precision", "recall", "precision_other", "p_class",
                "mean_proba", "p_class_sources", "duplicate_rate"):
        assert 0.0 <= out[key] <= 1.0, key
    assert out["precision"] > 0.5


# -- errors -----------------------------------------------------------------------------------
def test_input_errors():
    X_res = np.vstack([X2, X2[[4]]])
    y_res = np.concatenate([Y2, [1]])
    with pytest.raises(ValueError, match="must start with X"):
        anchor_report(X2, Y2, X_res[::-1], y_res)
    with pytest.raises(ValueError, match="features"):
        anchor_report(X2, Y2, X_res[:, :1], y_res)
    with pytest.raises(ValueError, match="must start with y"):
        anchor_report(X2, Y2, X_res, 1 - y_res)
    with pytest.raises(ValueError, match="y_res has"):
        anchor_report(X2, Y2, X_res, y_res[:-1])
    with pytest.raises(ValueError, match="one index per anchor"):
        anchor_report(X2, Y2, X_res, y_res, sources=[4, 5])
    with pytest.raises(ValueError, match=r"in \[0, 8\)"):
        anchor_report(X2, Y2, X_res, y_res, sources=[8])
    with pytest.raises(ValueError, match=r"in \[0, 8\)"):
        anchor_report(X2, Y2, X_res, y_res, sources=[-1])
    with pytest.raises(ValueError, match="anchor's class"):
        anchor_report(X2, Y2, X_res, y_res, sources=[0])
    with pytest.raises(ValueError, match="k_neighbors"):
        anchor_report(X2, Y2, X_res, y_res, k_neighbors=0)


# -- text ---------------------------------------------------------------------------------------
def test_tokenize_and_distinct_n():
    assert tokenize("Hi, hi!") == ["hi", ",", "hi", "!"]
    assert distinct_n(["a b a", "a b"], 1) == pytest.approx(2 / 5)
    assert distinct_n(["a b a", "a b"], 2) == pytest.approx(2 / 3)    # ab, ba, ab
    assert distinct_n(["Hi, hi!"], 1) == pytest.approx(3 / 4)
    assert np.isnan(distinct_n(["a", "b"], 2))
    with pytest.raises(ValueError):
        distinct_n(["a"], 0)


TEXTS = ["good film", "great movie", "nice plot", "good plot",
         "bad film", "awful movie", "poor plot", "boring story"]
LABELS = [1, 1, 1, 1, 0, 0, 0, 0]
ANCHORS = ["good film", " good film ", "great plot movie"]


def text_report(anchors, sources=None, texts=TEXTS, y=LABELS, cls=1, **kwargs):
    return text_anchor_report(texts, y, list(texts) + list(anchors),
                              list(y) + [cls] * len(anchors), sources=sources, **kwargs)


def test_text_report_by_hand():
    out = text_report(ANCHORS, sources=[0, 0, 1])[1]
    assert out["n_anchors"] == 3
    # tokens: good film | good film | great plot movie
    assert out["distinct_1"] == pytest.approx(5 / 7)
    assert out["distinct_2"] == pytest.approx(3 / 4)
    assert out["distinct_1_per_source"] == pytest.approx((2 / 4 + 1) / 2)
    assert out["distinct_2_per_source"] == pytest.approx((1 / 2 + 1) / 2)
    assert out["real_distinct_1"] == pytest.approx(6 / 8)
    assert out["real_distinct_2"] == pytest.approx(1.0)
    assert out["exact_copy_rate"] == pytest.approx(2 / 3)
    assert out["source_copy_rate"] == pytest.approx(2 / 3)
    assert out["duplicate_rate"] == pytest.approx(2 / 3)
    assert out["source_token_share"] == pytest.approx(6 / 7)
    assert out["mean_tokens"] == pytest.approx(7 / 3)
    assert out["real_mean_tokens"] == pytest.approx(2.0)
    assert np.isnan(out["embedding_cosine"])


def test_text_copies_of_other_texts_and_other_sources():
    # a copy of a class-0 text, and two equal anchors of different sources
    out = text_report(["bad film", "nice plot", "nice plot"], sources=[0, 2, 3])[1]
    assert out["exact_copy_rate"] == 1.0
    assert out["source_copy_rate"] == pytest.approx(1 / 3)
    assert out["duplicate_rate"] == 0.0
    # film of 'bad film' in 'good film'; nice, plot in 'nice plot'; plot in 'good plot'
    assert out["source_token_share"] == pytest.approx(4 / 6)


def test_source_token_share_is_micro_averaged_over_tokens():
    # good good zz -> 2 of 3 in 'good film'; qq -> 0 of 1; good film -> 2 of 2
    out = text_report(["good good zz", "qq", "good film"], sources=[0, 0, 0])[1]
    assert out["source_token_share"] == pytest.approx(4 / 6)


def test_text_sources_none_uses_token_jaccard():
    texts = ["x1 y1", "x1 y1 z1 p1 q1 r1", "red blue green yellow", "red blue",
             "cat dog", "dog cow"]
    y = [1, 1, 1, 1, 0, 0]
    # Jaccard with 'x1 y1': 2/7; with the long text: 3/10 (unseen tokens count in the union)
    out = text_report(["x1 y1 z1 u1 u2 u3 u4"], texts=texts, y=y)[1]
    assert out["source_token_share"] == pytest.approx(3 / 7)
    # 'red blue' equals text 3 (Jaccard 1), though it shares as many tokens with text 2
    assert text_report(["red blue"], texts=texts, y=y)[1]["source_copy_rate"] == 1.0

    inferred = text_report(ANCHORS)[1]
    given = text_report(ANCHORS, sources=[0, 0, 1])[1]
    assert inferred == pytest.approx(given, nan_ok=True)
    # 'good plot film': Jaccard 2/3 with 'good film' and 'good plot'; first wins
    assert text_report(["good plot film"])[1]["source_token_share"] == pytest.approx(2 / 3)
    assert text_report(["nice film"])[1]["source_token_share"] == pytest.approx(1 / 2)


class CountEmbedder:
    """Counts of the tokens 'xx' and 'yy'."""

    def transform(self, texts):
        return np.array([[tokenize(t).count("xx"), tokenize(t).count("yy")] for t in texts],
                        dtype=float)


def test_embedding_cosine_with_a_fake_embedder():
    texts = ["xx", "yy", "zz ww", "ww zz"]
    y = [1, 1, 0, 0]
    # (2, 1) against (1, 0), and (0, 1) against (1, 0)
    out = text_report(["xx xx yy", "yy"], sources=[0, 0], texts=texts, y=y,
                      embedder=CountEmbedder())[1]
    assert out["embedding_cosine"] == pytest.approx((2 / np.sqrt(5) + 0.0) / 2)
    # a zero embedding ('zz') has no cosine and is left out
    out = text_report(["xx xx yy", "zz"], sources=[0, 0], texts=texts, y=y,
                      embedder=CountEmbedder())[1]
    assert out["embedding_cosine"] == pytest.approx(2 / np.sqrt(5))


def _corpus(rng, words, n):
    return [" ".join(rng.choice(words, size=5)) for _ in range(n)]


def test_text_p_class_on_a_synthetic_corpus():
    rng = np.random.RandomState(0)
    minority = "ruby jade opal amber pearl topaz".split()
    majority = "oak elm ash pine birch maple".split()
    texts = _corpus(rng, minority, 20) + _corpus(rng, majority, 60)
    y = ["min"] * 20 + ["maj"] * 60
    good = text_report(_corpus(rng, minority, 10), texts=texts, y=y, cls="min")["min"]
    bad = text_report(_corpus(rng, majority, 10), texts=texts, y=y, cls="min")["min"]
    assert good["p_class"] == 1.0 and bad["p_class"] == 0.0
    assert good["real_p_class"] == 1.0
    assert good["p_class_ratio"] == 1.0 and bad["p_class_ratio"] == 0.0


def test_text_judge_is_cross_fitted_so_copies_score_as_their_sources():
    """A judge that saw the sources would call their copies minority far more often
    than it calls unseen real minority texts; the cross-fitted one treats a copy
    exactly as its source, so the ratio of exact copies is 1 (a known answer)."""
    rng = np.random.RandomState(1)
    shared = "film movie plot actor scene story".split()
    texts = ([" ".join(rng.choice(shared, 6)) + f" r{i} q{i}" for i in range(30)]
             + [" ".join(rng.choice(shared, 6)) + f" f{i} g{i}" for i in range(90)])
    y = np.array([1] * 30 + [0] * 90)
    sources = np.repeat(np.arange(30), 2)
    texts_res = texts + [texts[i] for i in sources]
    y_res = np.concatenate([y, np.ones(len(sources), dtype=int)])
    out = text_anchor_report(texts, y, texts_res, y_res, sources=sources)[1]
    assert out["real_p_class"] < 0.9                  # unseen words: a hard judge
    assert out["p_class"] == pytest.approx(out["real_p_class"])
    assert out["p_class_ratio"] == pytest.approx(1.0)
    assert out["p_class_sources"] == out["p_class"]
    # copies drawn unevenly: the rate follows their sources, counted once per copy
    uneven = np.array([0] * 5 + list(range(1, 30)))
    res = texts + [texts[i] for i in uneven]
    y_uneven = np.concatenate([y, np.ones(len(uneven), dtype=int)])
    out = text_anchor_report(texts, y, res, y_uneven, sources=uneven)[1]
    assert out["p_class"] == out["p_class_sources"]
    folds = list(StratifiedKFold(3).split(texts, y))         # a list of folds is a cv too
    listed = text_anchor_report(texts, y, res, y_uneven, sources=uneven, cv=folds)[1]
    assert listed["p_class"] == listed["p_class_sources"]
    with pytest.raises(ValueError, match="partition"):
        from sklearn.model_selection import ShuffleSplit
        text_anchor_report(texts, y, texts_res, y_res, sources=sources,
                           cv=ShuffleSplit(3, test_size=0.2, random_state=0))


def test_text_multi_class_containers_and_errors():
    pd = pytest.importorskip("pandas")
    texts = pd.Series(TEXTS + ["red car", "blue car"])
    y = np.array(LABELS + [2, 2])
    texts_res = pd.concat([texts, pd.Series(["green car", "good film"])], ignore_index=True)
    y_res = np.concatenate([y, [2, 1]])
    report = text_anchor_report(texts.to_frame("text"), y, texts_res, y_res)
    assert sorted(report) == [1, 2]
    assert report[2]["exact_copy_rate"] == 0.0 and report[1]["exact_copy_rate"] == 1.0
    assert text_anchor_report(TEXTS, LABELS, TEXTS, LABELS) == {}
    with pytest.raises(ValueError, match="must start with texts"):
        text_anchor_report(TEXTS, LABELS, TEXTS[::-1] + ["x"], LABELS + [1])
    with pytest.raises(ValueError, match="one index per anchor"):
        text_report(ANCHORS, sources=[0])
    with pytest.raises(ValueError, match=r"in \[0, 8\)"):
        text_report(ANCHORS, sources=[0, 0, 9])
    with pytest.raises(TypeError, match="only str"):
        text_anchor_report(TEXTS, LABELS, TEXTS + [None], LABELS + [1])


def test_text_single_class_has_no_classifier_metrics():
    out = text_anchor_report(["a b", "c d"], [0, 0], ["a b", "c d", "a d"], [0, 0, 0])[0]
    assert np.isnan(out["p_class"]) and np.isnan(out["real_p_class"])
    assert out["source_token_share"] == pytest.approx(1 / 2)   # tie: first ('a b')


class _Constant:
    """A fitted judge that calls every text ``label``; it must never be refitted."""

    def __init__(self, label):
        self.label = label

    def fit(self, X, y):
        raise AssertionError("a judge given fitted is used as it is")

    def predict(self, X):
        return np.array([self.label] * len(X), dtype=object)


class _Recorder:
    """An unfitted classifier that remembers its training texts and calls those texts
    by their label, any other text "unseen"."""

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y):
        self.seen_ = dict(zip(list(X), list(y)))
        return self

    def predict(self, X):
        return np.array([self.seen_.get(t, "unseen") for t in X], dtype=object)


def _judge_problem():
    texts = ["a good film", "a fine plot", "a dull film", "a slow plot"]
    y = ["pos", "pos", "neg", "neg"]
    return texts, y, texts + ["a dull plot", "a slow film"], y + ["neg", "neg"]


def test_a_fitted_judge_from_outside_is_the_one_used():
    texts, y, texts_res, y_res = _judge_problem()
    outside = (["bad", "worse", "fine"], ["neg", "neg", "pos"])
    report = text_anchor_report(texts, y, texts_res, y_res, judge=_Constant("neg"),
                                judge_real=outside)["neg"]
    assert report["p_class"] == 1.0 and report["real_p_class"] == 1.0
    report = text_anchor_report(texts, y, texts_res, y_res, judge=_Constant("pos"),
                                judge_real=outside)["neg"]
    assert report["p_class"] == 0.0 and report["real_p_class"] == 0.0
    alone = text_anchor_report(texts, y, texts_res, y_res, judge=_Constant("neg"))["neg"]
    assert alone["p_class"] == 1.0 and np.isnan(alone["real_p_class"])


def test_a_judge_fitted_on_outside_texts_is_scored_on_the_other_half():
    texts, y, texts_res, y_res = _judge_problem()
    outside = ([f"neg text {i}" for i in range(6)] + [f"pos text {i}" for i in range(6)],
               ["neg"] * 6 + ["pos"] * 6)
    report = text_anchor_report(texts, y, texts_res, y_res, classifier=_Recorder(),
                                judge=outside)["neg"]
    # the judge never saw the held-out half, so it calls none of it by its class
    assert report["real_p_class"] == 0.0 and report["p_class"] == 0.0
    with pytest.raises(ValueError, match="pair"):
        text_anchor_report(texts, y, texts_res, y_res, judge=(["x"],))
