"""Anchor texts written by editing their source toward a MISO anchor vector.

Text mode's ``decoder="edit"``: the MISO network runs on *sentence vectors* (the
IDF-weighted mean of the word vectors of a text's content words) and generates
an anchor vector for each source, as in dense mode. :class:`SourceEditor` then
turns the anchor vector into text by editing the source, keeping its surface
form (the paper's "similar surface form", Table 6):

* **substitute**: a content word by one of its nearest neighbours in the word
  space (words of the training texts only) with the same inflection, never by a
  word more typical of another class than both the word it replaces and a
  neutral word, nor, once a language model has scored the source
  (:meth:`SourceEditor.score_fluency`), by a word it finds far less likely there;
* **delete**: a content word;
* **splice**: keep the source up to a word that another text of the class
  also contains, and continue with that text from there (the junction is a
  real bigram of the other text).

Each edit is drawn with a probability that grows with how much it moves the
text's sentence vector toward the anchor vector (a softmax of the gains at
``temperature``), so the MISO model steers which words change, and two
anchors of one source (different anchor vectors, different draws) differ.
Stop words, punctuation, words with an apostrophe and capitalised words inside
a sentence (names, titles) are not edited, and the text outside the edited words
is kept character for character. Given the edits that the other anchors of the
source made (``used``), an anchor makes different ones.
"""

import re
from collections import defaultdict

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.neighbors import NearestNeighbors

from ..utils.glove import word_vectors_for
from ._fluency import candidate_table

__all__ = ["SourceEditor"]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_MAX_POSITIONS = 256     # words considered per edit in long documents
_FORMS = ("ing", "ly", "ed", "s")   # a substitute keeps the word's inflection (a POS proxy)


def _form(word):
    """The inflectional ending of ``word`` among :data:`_FORMS` ("" for none)."""
    return next((end for end in _FORMS if word.endswith(end) and len(word) > len(end) + 2), "")


class SourceEditor:
    """Edit texts toward target sentence vectors.

    Parameters
    ----------
    texts : list of str
        The training texts (sources and splice donors).
    labels : ndarray
        Their classes (splice donors come from the source's class).
    use_glove : bool, default=False
        Word vectors from GloVe (else LSA vectors of ``texts``).
    edit_rate : float, default=0.6
        Share of a source's content words edited per anchor (at least one,
        unless 0: then no word is edited).
    splice_rate : float, default=0.0
        Probability that an anchor also splices in the end of another text.
    n_neighbours : int, default=30
        Substitution candidates per word.
    temperature : float, default=0.05
        Softmax temperature of the edit draws, relative to the spread of the
        gains (low: always the best-moving edits; high: uniform).
    random_state : int, default=0
        Seeds the LSA vectors.
    fluency_margin : float, default=2.0
        After :meth:`score_fluency`, a substitute a language model finds more than this
        many nats less likely than the replaced word, where it stands, is never drawn.
    """

    def __init__(self, texts, labels, *, use_glove=False, edit_rate=0.6, splice_rate=0.0,
                 n_neighbours=30, temperature=0.05, random_state=0, fluency_margin=2.0):
        self.texts = list(texts)
        self.fluency_margin = fluency_margin
        self._fluency = {}          # source -> {position: (N,) fluency of its substitutes}
        self.labels = np.asarray(labels)
        self.edit_rate = edit_rate
        self.splice_rate = splice_rate
        self.temperature = temperature
        self._spans = [[(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(t)]
                       for t in self.texts]
        counts = defaultdict(int)
        for spans in self._spans:
            for w in {w for _, _, w in spans}:
                counts[w] += 1
        words = sorted(w for w in counts
                       if w not in ENGLISH_STOP_WORDS and len(w) > 1 and "'" not in w)
        self.words, self.index = words, {w: i for i, w in enumerate(words)}
        self.idf = 1.0 + np.log((1 + len(self.texts)) / (1 + np.array([counts[w] for w in words])))
        self.vectors = word_vectors_for(words, self.words_of_texts(), use_glove=use_glove,
                                        random_state=random_state)
        self._forms = np.array([_form(w) for w in words])
        self._neighbours = self._neighbour_table(n_neighbours)
        self._evidence = self._class_evidence(counts)
        self._positions = [self._word_positions(spans) for spans in self._spans]

    def words_of_texts(self, stop_words=frozenset()):
        """The lower-cased words of every training text, in order, less ``stop_words``:
        the editor's tokenisation, shared with the TF-IDF of difficult samples."""
        return [[w for _, _, w in spans if w not in stop_words] for spans in self._spans]

    # -- word space --------------------------------------------------------------------
    def _neighbour_table(self, k):
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        unit = self.vectors / np.where(norms > 0, norms, 1.0)
        k = min(k + 1, len(self.words))
        return NearestNeighbors(n_neighbors=k).fit(unit).kneighbors(unit)[1][:, 1:]

    def _class_evidence(self, counts):
        """``{class: log-odds of each word's document frequency in the class
        against the other classes}`` (add-0.5 smoothing; 0: no evidence)."""
        evidence = {}
        for cls in np.unique(self.labels):
            inside = defaultdict(int)
            for spans, label in zip(self._spans, self.labels):
                if label == cls:
                    for w in {w for _, _, w in spans}:
                        inside[w] += 1
            n_in = int((self.labels == cls).sum())
            n_out = len(self.labels) - n_in
            df_in = np.array([inside[w] for w in self.words], dtype=float)
            df_out = np.array([counts[w] for w in self.words], dtype=float) - df_in
            evidence[cls] = (np.log((df_in + 0.5) / (n_in + 1.0))
                             - np.log((df_out + 0.5) / (n_out + 1.0)))
        return evidence

    @staticmethod
    def _word_positions(spans):
        positions = defaultdict(list)
        for j, (_, _, w) in enumerate(spans):
            positions[w].append(j)
        return positions

    def _content(self, spans):
        """Positions (in ``spans``) and word ids of a text's content words."""
        pairs = [(j, self.index[w]) for j, (_, _, w) in enumerate(spans) if w in self.index]
        if not pairs:
            return np.empty(0, np.intp), np.empty(0, np.intp)
        return tuple(np.array(v, dtype=np.intp) for v in zip(*pairs))

    def _sums(self, ids):
        weights = self.idf[ids]
        return (weights[:, None] * self.vectors[ids]).sum(0), weights.sum()

    def _mean_vector(self, spans):
        """IDF-weighted mean vector of the content words in ``spans`` (zeros without)."""
        _, ids = self._content(spans)
        if not len(ids):
            return np.zeros(self.vectors.shape[1])
        total, weight = self._sums(ids)
        return total / weight

    def sentence_vectors(self):
        """IDF-weighted mean word vector of every text (zeros without content words)."""
        return np.array([self._mean_vector(spans) for spans in self._spans])

    def sentence_vector(self, text):
        """IDF-weighted mean word vector of any text (words unknown to the training
        texts are left out; zeros without a known content word)."""
        return self._mean_vector([(0, 0, m.group(0).lower()) for m in _WORD.finditer(text)])

    # -- edits -------------------------------------------------------------------------
    def _draw(self, gains, size, rng):
        """Indices of ``size`` distinct entries drawn with softmax(gains / temperature);
        non-finite gains are never drawn."""
        finite = np.isfinite(gains)
        if not finite.any():
            return np.empty(0, dtype=np.intp)
        spread = gains[finite].std() or 1.0
        p = np.zeros(len(gains))
        p[finite] = np.exp((gains[finite] - gains[finite].max()) / (self.temperature * spread))
        p /= p.sum()
        return rng.choice(len(gains), size=min(size, int((p > 0).sum())), replace=False, p=p)

    @staticmethod
    def _editable(text, spans, positions):
        """Mask of the ``positions`` that may be edited: lower-case words, and
        capitalised ones only at the start of a sentence (names and titles keep the
        topic, and a substitute for them reads badly)."""
        mask = np.ones(len(positions), dtype=bool)
        first = len(text) - len(text.lstrip())               # where the text starts
        for k, j in enumerate(positions.tolist()):
            start, end, _ = spans[j]
            if not text[start:end].islower():
                before = text[max(0, start - 8):start].rstrip()
                mask[k] = before[-1:] in (".", "!", "?") or start == first
        return mask

    def score_fluency(self, sources, fluency, n_proposals=0):
        """Vet the substitutes of every content word of ``texts[sources]`` with
        ``fluency`` (:class:`~miso_resample.decoders._fluency.SubstitutionFluency`):
        later edits leave out those scored below ``-fluency_margin``, and up to
        ``n_proposals`` of the model's likeliest next words (training-text content
        words with the word's inflection) join each word's substitutes."""
        new = [int(s) for s in dict.fromkeys(np.asarray(sources).tolist())
               if int(s) not in self._fluency]
        items = []
        for s in new:
            text, spans = self.texts[s], self._spans[s]
            positions, ids = self._content(spans)
            starts = [spans[j][0] for j in positions.tolist()]
            words = [text[spans[j][0]:spans[j][1]] for j in positions.tolist()]
            items.append((positions, ids, starts, words, [
                [self._capitalised(w, self.words[c]) for c in row]
                for w, row in zip(words, self._neighbours[ids])]))
        vetted = fluency.vet([self.texts[s] for s in new], *list(zip(*items))[2:],
                             n_proposals=4 * n_proposals) if new else []
        for s, (positions, ids, *_), (table, proposals) in zip(new, items, vetted):
            extra = [self._proposed(w, props, n_proposals) for w, props in zip(ids, proposals)]
            self._fluency[s] = ({p: r for r, p in enumerate(positions.tolist())},
                                *candidate_table(self._neighbours[ids], table, extra))

    def _proposed(self, word_id, proposals, k):
        """Up to ``k`` ``(id, score)`` of the proposed ``(text, score)`` words that are
        training-text content words with the inflection of ``word_id``, not it or its
        neighbours."""
        taken, out = set(self._neighbours[word_id].tolist()) | {int(word_id)}, []
        for text, score in sorted(proposals, key=lambda pair: -pair[1]):
            w = self.index.get(text.lower())
            if len(out) < k and w is not None and w not in taken \
                    and self._forms[w] == self._forms[word_id]:
                out.append((w, score))
                taken.add(w)
        return out

    def _substitutions(self, text, spans, target, rng, cls, used=frozenset(), source=None):
        """``{position: new word or ""}`` for the substitutions and deletions drawn.
        A substitute is never more typical of another class than both the word it
        replaces and a neutral word (class evidence of :meth:`_class_evidence`), and
        keeps its inflection. Only the :meth:`_editable` words are edited and an edit
        in ``used`` (``(position, new word or "")`` pairs) is never drawn, unless no
        edit is left: then ``used``, and after it the editable mask, are dropped."""
        positions, ids = self._content(spans)
        if not len(ids) or self.edit_rate == 0:
            return {}
        editable = self._editable(text, spans, positions)
        if len(ids) > _MAX_POSITIONS:        # long documents: edit among a random subset
            keep = np.sort(rng.choice(len(ids), _MAX_POSITIONS, replace=False))
            positions, ids, editable = positions[keep], ids[keep], editable[keep]
        n_edits = max(1, int(round(self.edit_rate * max(editable.sum(), 1))))
        vetted = self._fluency.get(source)
        rows = vetted and [vetted[0][p] for p in positions.tolist()]
        candidates, gains = self._edit_options(ids, target, cls,
                                               vetted[1][rows] if vetted else None)
        if vetted:                                   # substitutes that read badly: never
            gains[:, :-1][vetted[2][rows] < -self.fluency_margin] = -np.inf
        for mask, avoid in ((editable, used), (editable, ()), (np.ones_like(editable), ())):
            options = gains.copy()
            options[~mask] = -np.inf
            self._forbid(options, positions, candidates, avoid)
            if np.isfinite(options).any():
                break
        edits = {}
        for flat in self._draw(options.ravel(), 3 * n_edits, rng):
            row, col = divmod(int(flat), options.shape[1])
            if row in edits or len(edits) >= n_edits or not np.isfinite(options[row, col]):
                continue
            edits[row] = "" if col == candidates.shape[1] else self.words[candidates[row, col]]
        return {int(positions[row]): word for row, word in edits.items()}

    def _edit_options(self, ids, target, cls, candidates=None):
        """``(candidates, gains)``: per content word, its N substitutes (P, N; default
        its neighbours, -1: none) and how far each substitution, then the deletion
        (P, N + 1), moves the sentence vector toward ``target`` (-inf: a substitute
        typical of another class, or none)."""
        total, weight = self._sums(ids)
        distance = np.linalg.norm(total / weight - target)
        candidates = self._neighbours[ids] if candidates is None else candidates  # (P, N)
        missing = candidates < 0
        candidates = np.where(missing, ids[:, None], candidates)
        w = self.idf[ids][:, None]
        moved = (total - w * self.vectors[ids])[:, None, :] \
            + w[..., None] * self.vectors[candidates]                   # substitution
        gains = distance - np.linalg.norm(moved / weight - target, axis=-1)
        gains[~self.allowed_substitutes(ids, cls, candidates) | missing] = -np.inf
        left = weight - self.idf[ids]                                    # deletion
        deleted = (total - w * self.vectors[ids]) / np.where(left > 0, left, 1.0)[:, None]
        del_gain = distance - np.linalg.norm(deleted - target, axis=1)
        del_gain[left <= 0] = -np.inf
        return candidates, np.concatenate([gains, del_gain[:, None]], axis=1)

    def allowed_substitutes(self, ids, cls, candidates=None):
        """Mask (P, N) of the word ids' ``candidates`` (default: their neighbours) that
        may replace them in a text of class ``cls``: same inflection, and no more
        typical of another class than both the word replaced and a neutral word."""
        candidates = self._neighbours[ids] if candidates is None else candidates
        evidence = self._evidence[cls]
        floor = np.minimum(evidence[ids], 0.0)[:, None]
        return ((evidence[candidates] >= floor)
                & (self._forms[candidates] == self._forms[ids][:, None]))

    def neighbours_of(self, word_id):
        """Ids of the word's nearest words in the word vectors (nearest first)."""
        return self._neighbours[word_id]

    def word_spans(self, source):
        """``(start, end, lower-cased word)`` of every word of ``texts[source]``."""
        return self._spans[source]

    def editable_words(self, source):
        """``(positions, word ids)`` of the content words of ``texts[source]`` that may
        be edited (lower-case, or capitalised at the start of a sentence)."""
        text, spans = self.texts[source], self._spans[source]
        positions, ids = self._content(spans)
        mask = self._editable(text, spans, positions)
        return positions[mask], ids[mask]

    def _forbid(self, options, positions, candidates, used):
        """Set to -inf the options (rows: ``positions``; columns: ``candidates``, then
        the deletion) whose ``(position, new word or "")`` is in ``used``."""
        row_of = {p: r for r, p in enumerate(positions.tolist())}
        for position, word in used:
            row = row_of.get(position)
            if row is None:
                continue
            if word == "":
                options[row, -1] = -np.inf
            else:
                options[row, :-1][candidates[row] == self.index.get(word, -1)] = -np.inf

    def _splice(self, source, spans, target, rng, max_options=64):
        """``(cut, donor, donor_cut)``: keep ``spans[:cut]`` and continue with the donor's
        text from its word ``donor_cut`` (right after a word both texts share), drawn by
        how close the spliced text's sentence vector comes to ``target``; None when no
        junction exists."""
        donors = np.flatnonzero(self.labels == self.labels[source])
        donors = donors[donors != source]
        if not len(donors) or len(spans) < 4:
            return None
        options = []
        cuts = np.arange(max(1, len(spans) // 4), len(spans) - 1)
        if len(cuts) > _MAX_POSITIONS:
            cuts = np.sort(rng.choice(cuts, _MAX_POSITIONS, replace=False))
        for donor in rng.choice(donors, size=min(len(donors), 20), replace=False):
            positions = self._positions[donor]
            for cut in cuts.tolist():
                options += [(cut, int(donor), j + 1) for j in positions.get(spans[cut - 1][2], ())
                            if 0 < j + 1 < len(self._spans[donor])]
        if not options:
            return None
        if len(options) > max_options:
            options = [options[i] for i in rng.choice(len(options), max_options, replace=False)]
        gains = np.array([-np.linalg.norm(self._spliced_vector(spans, o) - target)
                          for o in options])
        drawn = self._draw(gains, 1, rng)
        return options[int(drawn[0])] if len(drawn) else None

    def _spliced_vector(self, spans, option):
        cut, donor, donor_cut = option
        return self._mean_vector(spans[:cut] + self._spans[donor][donor_cut:])

    @staticmethod
    def _capitalised(old, new):
        return new.capitalize() if old[:1].isupper() else new

    def _render(self, text, spans, edits, splice=None):
        """The source text with ``edits`` applied and the splice, if any."""
        end = len(text)
        pieces, last = [], 0
        stop = len(spans) if splice is None else splice[0]
        for j in sorted(k for k in edits if k < stop):
            start, finish, _ = spans[j]
            if edits[j]:
                pieces += [text[last:start], self._capitalised(text[start:finish], edits[j])]
                last = finish
            else:                                                   # delete word and a space
                pieces.append(text[last:start].rstrip(" ") if start else text[last:start])
                last = finish
        if splice is not None:
            cut, donor, donor_cut = splice
            end = spans[cut - 1][1]
            donor_text = self.texts[donor]
            pieces += [text[last:end], " " + donor_text[self._spans[donor][donor_cut][0]:]]
            return "".join(pieces)
        return "".join(pieces + [text[last:end]])

    def edit(self, source, target, rng, used=None):
        """A new text from ``texts[source]`` moved toward the sentence vector ``target``.

        ``used``, when given, is a set of ``(position, new word or "")`` edits made
        by the other anchors of this source: none of them is drawn again, and this
        anchor's edits are added to it (so that the anchors of one source differ in
        their edits, not only in their draws)."""
        text, spans = self.texts[source], self._spans[source]
        splice = (self._splice(source, spans, target, rng)
                  if rng.rand() < self.splice_rate else None)
        edits = self._substitutions(text, spans, target, rng, self.labels[source],
                                    used if used is not None else frozenset(), source)
        if used is not None:
            used.update(edits.items())
        return re.sub(r"\s{2,}", " ", self._render(text, spans, edits, splice)).strip()
