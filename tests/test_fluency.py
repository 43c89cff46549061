"""The edit decoder's language-model vetting of substitutions (on a tiny random Llama)."""

import numpy as np
import pytest
import torch

from miso_resample import MISOSampler
from miso_resample.decoders import EditDecoder
from miso_resample.decoders._fluency import SubstitutionFluency
from miso_resample.decoders._source_editor import SourceEditor

transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def fluency(llama_folder):
    model = transformers.AutoModelForCausalLM.from_pretrained(llama_folder).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(llama_folder)
    return SubstitutionFluency(model, tokenizer, batch_size=2)


def _brute_force(fluency, text, start, original, candidate):
    """log p(candidate) - log p(original) after text[:start], one unbatched pass."""
    tokenizer, model = fluency.tokenizer, fluency.model
    ids = [fluency._start] + tokenizer(text[:start], add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1], dim=-1)
    first = [tokenizer(w, add_special_tokens=False)["input_ids"][0] for w in (candidate, original)]
    return float(logp[first[0]] - logp[first[1]])


def test_scores_equal_one_unbatched_pass_per_prefix(fluency):
    texts = ["The movie was dull and the plot was flat",
             "A film",
             "The cast was sharp but the ending was dull and the score was lovely"]
    words = [["movie", "plot", "flat"], ["film"], ["cast", "ending", "lovely"]]
    starts = [[t.index(w) for w in ws] for t, ws in zip(texts, words)]
    candidates = [np.array([["film", "cast"]] * len(ws), dtype=object) for ws in words]
    scores = fluency.scores(texts, starts, words, candidates)   # batches of 2, padded
    for text, ss, ws, cs, table in zip(texts, starts, words, candidates, scores):
        assert table.shape == cs.shape
        for p, (start, word) in enumerate(zip(ss, ws)):
            for n, candidate in enumerate(cs[p]):
                expected = _brute_force(fluency, text, start, word, candidate)
                assert table[p, n] == pytest.approx(expected, abs=1e-4)
    assert scores[1][0, 0] == 0.0                  # the word itself: no change


def test_words_past_max_tokens_are_not_scored(fluency):
    text = "The movie was dull and the plot was flat"
    short = SubstitutionFluency(fluency.model, fluency.tokenizer, max_tokens=3)
    table = short.scores([text], [[text.index("plot")]], [["plot"]],
                         [np.array([["cast"]], dtype=object)])[0]
    assert table[0, 0] == 0.0
    assert fluency.scores([text], [[text.index("plot")]], [["plot"]],
                          [np.array([["cast"]], dtype=object)])[0][0, 0] != 0.0


def test_proposals_are_the_likeliest_next_tokens_with_their_scores(fluency):
    text = "The movie was dull and the plot was flat"
    start = text.index("plot")
    (table, proposals), = fluency.vet([text], [[start]], [["plot"]],
                                     [np.array([["cast"]], dtype=object)], n_proposals=5)
    tokenizer, model = fluency.tokenizer, fluency.model
    ids = [fluency._start] + tokenizer(text[:start], add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1], dim=-1)
    top = torch.topk(logp, 5).indices.tolist()
    assert sorted(w for w, _ in proposals[0]) == sorted(tokenizer.decode([t]).strip()
                                                        for t in top)
    for word, score in proposals[0]:
        if word not in ("<unk>", "<eos>"):
            assert score == pytest.approx(_brute_force(fluency, text, start, "plot", word),
                                          abs=1e-4)


class _Scripted:
    """A fluency stand-in: substitutes listed in ``bad`` score -10, the rest 0, and
    every word proposes ``proposals`` (score 0)."""

    def __init__(self, bad, proposals=()):
        self.bad, self.proposals, self.calls = set(bad), list(proposals), 0

    def vet(self, texts, starts, originals, candidates, n_proposals=0):
        self.calls += 1
        score = np.vectorize(lambda c: -10.0 if c.lower() in self.bad else 0.0, otypes=[float])
        return [(score(c), [[(w, 0.0) for w in self.proposals] for _ in c]) for c in candidates]


def test_substitutes_scored_below_the_margin_are_never_drawn():
    texts = ["a dull remake with a wooden cast", "a bland remake with a stiff cast",
             "a dull sequel with a flat cast", "a bright film with a warm cast"]
    editor = SourceEditor(texts, np.array([1, 1, 1, 0]), edit_rate=1.0, temperature=10.0,
                          n_neighbours=5)
    bad = set(editor.words) - {"bland", "flat"}
    scripted = _Scripted(bad)
    editor.score_fluency([0, 0, 1], scripted)
    editor.score_fluency([0], scripted)                  # cached: no second pass
    assert scripted.calls == 1 and set(editor._fluency) == {0, 1}
    rng, target = np.random.RandomState(0), np.zeros(editor.vectors.shape[1])
    spans, seen = editor._spans[0], set()
    for _ in range(30):
        edits = editor._substitutions(texts[0], spans, target, rng, 1, source=0)
        seen.update(edits.values())
    assert seen and seen <= {"", "bland", "flat"}
    unvetted = set()
    for _ in range(30):
        unvetted.update(editor._substitutions(texts[0], spans, target, rng, 1).values())
    assert unvetted - {"", "bland", "flat"}                # without the source: no vetting


def test_proposed_words_join_the_substitutes_when_they_fit():
    texts = ["a dull remake with a wooden cast", "a bland remake with a stiff cast",
             "a dull sequel with a flat cast", "a bright film with a warm cast",
             "the remakes were wooden"]
    editor = SourceEditor(texts, np.array([1, 1, 1, 0, 1]), edit_rate=1.0, temperature=10.0,
                          n_neighbours=1)
    scripted = _Scripted(set(editor.words) - {"stiff"},
                         proposals=["Stiff", "remakes", "unseen", "dull"])
    editor.score_fluency([0], scripted, n_proposals=3)
    row_of, candidates, scores = editor._fluency[0]
    dull = row_of[[j for j, (_, _, w) in enumerate(editor._spans[0]) if w == "dull"][0]]
    proposed = {editor.words[c] for c in candidates[dull, 1:] if c >= 0}
    neighbour = editor.words[editor.neighbours_of(editor.index["dull"])[0]]
    # "remakes" has another inflection, "unseen" is no training word, "dull" is the word
    # itself; "stiff" joins unless it is the neighbour already
    assert proposed == {"stiff"} - {neighbour}
    assert np.isfinite(scores[dull, 1:]).sum() == len(proposed)
    rng, target = np.random.RandomState(0), np.zeros(editor.vectors.shape[1])
    position = [j for j, (_, _, w) in enumerate(editor._spans[0]) if w == "dull"][0]
    drawn, elsewhere = set(), set()
    for _ in range(40):
        edits = editor._substitutions(texts[0], editor._spans[0], target, rng, 1, source=0)
        drawn.add(edits.get(position, ""))
        elsewhere.update(w for j, w in edits.items() if j != position)
    assert "stiff" in drawn and drawn <= {"", "stiff"}
    assert elsewhere <= {"", "stiff", "dull"}             # only proposals pass the vetting


def test_edit_decoder_with_a_language_model_resamples_and_is_reproducible(
        review_texts, tiny_text_params, llama_folder):
    texts, y = review_texts
    decoder = EditDecoder(language_model=str(llama_folder), fluency_margin=0.5,
                          proposed_substitutes=2)
    params = dict(tiny_text_params, decoder=decoder)
    X1, y1 = MISOSampler(random_state=0, **params).fit_resample(texts, y)
    X2, _ = MISOSampler(random_state=0, **params).fit_resample(texts, y)
    counts = np.unique(y1, return_counts=True)[1]
    assert counts.min() == counts.max() and X1 == X2
    assert all(isinstance(t, str) and t for t in X1[len(texts):])


def test_bad_fluency_parameters_fail_before_training(review_texts, tiny_text_params, tmp_path):
    texts, y = review_texts
    with pytest.raises(ValueError, match="fluency_margin"):
        MISOSampler(**dict(tiny_text_params, decoder=EditDecoder(fluency_margin=-1.0))
                    ).fit_resample(texts, y)
    with pytest.raises(ValueError, match="neither 'auto' nor the folder"):
        MISOSampler(**dict(tiny_text_params, decoder=EditDecoder(
            language_model=str(tmp_path / "missing")))).fit_resample(texts, y)
