"""The generator changes of MISO's dense and text modes, each against a known answer."""

import numpy as np
import pytest
import torch

from miso_resample import MISOSampler
from miso_resample._engine.net import MISONet
from miso_resample._engine.pairing import PairedDataset, nearest_partners, partners_for_anchors
from miso_resample.decoders import EditDecoder, VectorDecoder
from miso_resample.decoders._source_editor import SourceEditor, _form
from miso_resample.metrics import text_anchor_report
from miso_resample.model import DenseDecoder, DenseEncoder, MISOModule
from miso_resample.model.decoders import nucleus

from .conftest import TINY, tiny_scratch


def test_residual_decoder_with_zero_step_returns_the_sources():
    torch.manual_seed(0)
    decoder = DenseDecoder(4, 6, hidden_dim=8, residual=True)
    z, source = torch.randn(5, 4), torch.randn(5, 6)
    torch.testing.assert_close(decoder.generate(z, source), source, rtol=0, atol=0)
    with pytest.raises(ValueError, match="needs the source"):
        decoder.generate(z)
    scratch = DenseDecoder(4, 6, hidden_dim=8)
    assert not torch.allclose(scratch.generate(z, source), source)


def test_trained_residual_net_with_zeroed_step_generates_its_sources(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **{**TINY, "max_epochs": 2},
                          decoder=VectorDecoder(latent_noise=0.0))
    X_res, _ = sampler.fit_resample(X, y)
    net = sampler.nets_[1]
    last = net.module_.minority_decoder.net[-1]
    assert last.weight.abs().sum() > 0                       # training moved the step
    with torch.no_grad():
        last.weight.zero_()
        last.bias.zero_()
    x = np.random.RandomState(0).normal(size=(7, X.shape[1])).astype(np.float32)
    np.testing.assert_array_equal(net.generate(x, x[::-1].copy()), x)


def test_nearest_partners_are_the_true_nearest_majority_rows():
    features = np.array([[0.0], [10.0], [1.0], [2.5], [9.0], [4.0], [11.5]])
    minority_rows = np.array([0, 1])
    majority_rows = np.array([2, 3, 4, 5, 6])               # at 1, 2.5, 9, 4, 11.5
    table = nearest_partners(features, minority_rows, majority_rows, n_partners=3)
    # row 0 (at 0): 1, 2.5, 4 -> positions 0, 1, 3; row 1 (at 10): 9, 11.5, 4 -> 2, 4, 3
    np.testing.assert_array_equal(table, [[0, 1, 3], [2, 4, 3]])
    # the j-th anchor of a source takes its j-th nearest partner, cycling
    picks = partners_for_anchors([0, 1, 0, 0, 1, 0], table)
    np.testing.assert_array_equal(picks, [0, 2, 1, 3, 4, 0])


def test_paired_dataset_draws_partners_among_the_candidates_and_sizes_epochs():
    minority, majority = np.arange(4)[:, None] * 1.0, np.arange(10)[:, None] * 100.0
    candidates = np.array([[0, 1], [2, 3], [4, 5], [6, 7]])
    data = PairedDataset(minority, majority, random_state=0, partners=candidates, n_pairs=40)
    assert len(data) == 40
    for _ in range(3):
        data.reshuffle()
        for i in range(len(data)):
            x_min, x_maj = data[i]
            assert int(x_maj.item() / 100) in candidates[int(x_min.item())]
    assert len(PairedDataset(minority, majority)) == 10      # None: the larger side


def _module(signal):
    torch.manual_seed(0)
    return MISOModule(DenseEncoder(3, 8, 16), DenseDecoder(8, 3, 16, residual=True),
                      DenseDecoder(8, 3, 16), latent_dim=8, n_heads=2,
                      majority_signal=signal)


def test_majority_signals_reach_the_discriminators():
    x_min, x_maj = torch.randn(6, 3) + 3, torch.randn(6, 3) - 3
    for signal, keys in [(None, set()), ("negatives", {"minority_negative"}),
                         ("critic", {"critic_real", "critic_fake", "critic_negative"})]:
        module = _module(signal)
        out = module(x_min, x_maj)
        logits = module.discriminate(module.discriminator_views(out, x_min, x_maj),
                                     detach_fake=True)
        extra = set(logits) - {"minority_real", "minority_fake", "majority_real",
                               "majority_fake"}
        assert extra == keys
        names = {n.split(".")[0] for n, _ in module.discriminator_parameters()}
        assert ("critic" in names) == (signal == "critic")


def test_critic_learns_minority_from_majority_and_steers_anchors(overlapping_binary):
    X, y = overlapping_binary
    kwargs = {**TINY, "max_epochs": 6, "decoder": VectorDecoder(latent_noise=0.0),
              "early_stopping": None}
    with_critic = MISOSampler(random_state=0, majority_signal="critic", **kwargs)
    X_res, _ = with_critic.fit_resample(X, y)
    critic = with_critic.nets_[1].module_.critic
    scaled = (X - X.mean(0)) / X.std(0)
    with torch.no_grad():
        logits = critic(torch.as_tensor(scaled, dtype=torch.float32)).numpy()
    assert logits[y == 1].mean() > logits[y == 0].mean()     # minority scores higher
    # the anchors moved from their sources toward the minority
    from sklearn.linear_model import LogisticRegression

    probe = LogisticRegression(max_iter=1000).fit(X, y)
    sources = X[with_critic.anchor_sources_]
    assert (probe.predict_proba(X_res[len(X):])[:, 1].mean()
            > probe.predict_proba(sources)[:, 1].mean())


def test_mi_floor_caps_alpha():
    module = _module(None)
    net = MISONet(module, mi_floor=0.25).initialize()
    assert net.alpha(4.0) == 0.25 and net.alpha(1.0) == 0.75 and net.alpha(1.2) == 0.75
    assert MISONet(_module(None), mi_floor=0.0).initialize().alpha(1.0) == 1.0


def test_latent_noise_makes_the_anchors_of_one_source_differ(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **TINY, decoder=VectorDecoder(latent_noise=0.0),
                          early_stopping=None)
    sampler.fit_resample(X, y)
    net = sampler.nets_[1]
    x = np.repeat(X[y == 1][:1], 4, axis=0).astype(np.float32)
    partner = np.repeat(X[y == 0][:1], 4, axis=0).astype(np.float32)
    quiet = net.generate(x, partner)
    assert np.allclose(quiet, quiet[0])                       # same source, same partner
    net.module_.latent_noise = 2.0
    noisy = net.generate(x, partner)
    assert np.linalg.norm(noisy - noisy[0], axis=1)[1:].min() > 1e-3


def test_early_stopping_holds_rows_back_and_records_the_score(overlapping_binary):
    X, y = overlapping_binary
    sampler = MISOSampler(random_state=0, **{**TINY, "max_epochs": 30}, early_stopping=1)
    _, y_res = sampler.fit_resample(X, y)
    history = sampler.nets_[1].history
    scores = [h["valid_anchor_score"] for h in history if "valid_anchor_score" in h]
    assert scores and len(history) < 2 + 30                  # stopped before max_epochs
    assert history[-1]["stopped_early"] is True
    assert np.bincount(y_res).tolist() == [360, 360]


def test_nucleus_keeps_the_smallest_set_reaching_top_p():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    kept = torch.isfinite(nucleus(logits, 0.7))[0].tolist()
    assert kept == [True, True, False, False]                 # 0.5 + 0.3 >= 0.7
    assert torch.isfinite(nucleus(logits, 1e-9))[0].tolist() == [True, False, False, False]
    assert torch.isfinite(nucleus(logits, 1.0))[0].all()


def test_top_p_near_zero_decodes_like_greedy(review_texts, tiny_text_params):
    texts, y = review_texts
    greedy = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=tiny_scratch())
                         ).fit_resample(texts, y)[0]
    nucleus_ = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=tiny_scratch(
        decoding="sample", top_p=1e-9))).fit_resample(texts, y)[0]
    assert greedy == nucleus_


def _editor(texts, labels, **kwargs):
    editor = SourceEditor(texts, labels, use_glove=False, **kwargs)
    return editor


def _toy_editor(texts, vectors):
    """An editor of ``texts`` (classes 1, 1, 0, 0) on hand-set 2-d word vectors that
    always draws the best-moving edit."""
    editor = _editor(texts, np.array([1, 1, 0, 0]), edit_rate=0.5, splice_rate=0.0,
                     temperature=1e-3)
    editor.vectors = np.array([vectors[w] for w in editor.words])
    editor._neighbours = editor._neighbour_table(4)
    return editor


def test_edit_decoder_forced_to_keep_returns_the_source():
    texts = ["a good film with fine acting", "a bad film", "the plot was dull", "fine work"]
    editor = _editor(texts, np.array([1, 1, 0, 0]), edit_rate=0.0, splice_rate=0.0)
    rng = np.random.RandomState(0)
    assert [editor.edit(i, np.zeros(editor.vectors.shape[1]), rng) for i in range(4)] == texts


def test_substitution_moves_the_text_toward_its_anchor_vector():
    texts = ["a good film", "a bad film", "a great film", "an awful film"]
    editor = _toy_editor(texts, {"good": [1.0, 0.0], "great": [1.0, 0.1], "bad": [-1.0, 0.0],
                                 "awful": [-1.0, 0.1], "film": [0.0, 1.0]})
    target = np.array([-1.0, 1.0])                            # toward "bad"/"awful" + film
    anchor = editor.edit(0, target, np.random.RandomState(0))
    assert anchor in ("a bad film", "a awful film")           # the best-moving substitution


def test_substitutes_typical_of_another_class_are_never_drawn():
    texts = ["a good film", "a bad film", "a great film", "an awful film"]
    editor = _toy_editor(texts, {"good": [1.0, 0.0], "great": [1.0, 0.1], "bad": [-0.5, 0.0],
                                 "awful": [-1.0, 0.0], "film": [0.0, 1.0]})
    awful_film = editor.sentence_vectors()[3]         # "awful" would move best: onto it
    anchors = {editor.edit(0, awful_film, np.random.RandomState(seed)) for seed in range(5)}
    assert anchors == {"a bad film"}                  # "awful" only occurs in class 0


def test_splice_joins_at_a_word_both_texts_share():
    texts = ["the plot was thin and the acting was wooden throughout",
             "the score was lovely and the cast was charming"]
    editor = _editor(texts, np.array([1, 1]), edit_rate=0.0, splice_rate=1.0)
    anchor = editor.edit(0, np.zeros(editor.vectors.shape[1]), np.random.RandomState(3))
    source, donor = texts[0].split(), texts[1].split()
    words = anchor.split()
    # some prefix of the source, then the donor after a word both have at the junction
    joins = [(i, j) for i in range(1, len(source)) for j in range(1, len(donor))
             if words == source[:i] + donor[j:] and source[i - 1] == donor[j - 1]]
    assert anchor != texts[0] and joins


def test_edit_mode_end_to_end(review_texts, tiny_text_params):
    texts, y = review_texts
    sampler = MISOSampler(random_state=0, **tiny_text_params)
    texts_res, y_res = sampler.fit_resample(texts, y)
    anchors = texts_res[len(texts):]
    assert sampler.mode_ == "text" and len(anchors) == 80
    assert not set(anchors) & set(texts)                      # no copy of a training text
    again = MISOSampler(random_state=0, **tiny_text_params).fit_resample(texts, y)[0]
    assert again == texts_res                                 # reproducible
    # every anchor keeps most of its source's words
    for anchor, source in zip(anchors, sampler.anchor_sources_):
        kept = set(anchor.lower().split()) & set(texts[source].lower().split())
        assert len(kept) >= 2


def test_distinct_edits_never_repeat_an_edit_of_another_anchor_of_the_source():
    texts = ["a good film", "a bad film", "a great film", "an awful film"]
    editor = _toy_editor(texts, {"good": [1.0, 0.0], "great": [1.0, 0.1], "bad": [-1.0, 0.0],
                                 "awful": [-1.0, 0.1], "film": [0.0, 1.0]})
    target, rng = np.array([-1.0, 1.0]), np.random.RandomState(0)
    independent = [editor.edit(0, target, rng) for _ in range(3)]
    assert independent == ["a bad film"] * 3                  # the best edit, every time
    used = set()
    distinct = [editor.edit(0, target, rng, used) for _ in range(3)]
    assert distinct[0] == "a bad film" and len(set(distinct)) == 3
    assert len(used) == 3 and (1, "bad") in used              # one edit per anchor, none shared


def test_distinct_edits_raise_the_variety_of_one_source_s_anchors(review_texts,
                                                                   tiny_text_params):
    texts, y = review_texts
    per_source = {}
    for distinct in (False, True):
        sampler = MISOSampler(random_state=0, **dict(tiny_text_params, decoder=EditDecoder(
            distinct_edits=distinct, word_vectors=None)))
        texts_res, y_res = sampler.fit_resample(texts, y)
        report = text_anchor_report(texts, y, texts_res, y_res,
                                    sources=sampler.anchor_sources_)["neg"]
        per_source[distinct] = report
    assert per_source[True]["distinct_2_per_source"] > per_source[False]["distinct_2_per_source"]
    assert per_source[True]["duplicate_rate"] <= per_source[False]["duplicate_rate"]


def test_names_and_contractions_are_kept_and_substitutes_keep_their_inflection():
    texts = ["Smith's remake isn't working. Jones stars, and Mills directs a dull remake",
             "a dull plot", "a bland plot working", "the remakes were wooden", "it's Mills"]
    editor = _editor(texts, np.array([1, 1, 1, 0, 1]), edit_rate=1.0, temperature=10.0)
    rng, target = np.random.RandomState(0), np.zeros(editor.vectors.shape[1])
    spans = editor._spans[0]
    positions, _ = editor._content(spans)
    editable = editor._editable(texts[0], spans, positions)
    words = [spans[j][2] for j in positions[editable]]
    assert words == ["remake", "working", "jones", "stars", "directs", "dull", "remake"]
    for _ in range(20):
        for position, new in editor._substitutions(texts[0], spans, target, rng, 1).items():
            old = spans[position][2]
            assert old in words and (new == "" or _form(new) == _form(old))
    assert editor.edit(4, target, rng) != texts[4]   # nothing editable: the name is edited
