"""Text mode of ``MISOSampler``: a column of texts in, new anchor texts out.

Same interface as :class:`miso_resample._engine.dense_mode.DenseMode`. Difficult
samples are found on TF-IDF vectors with cosine distance, and majority partners
are searched there too. Three decoders write the anchors:

* ``"edit"``: the MISO network runs on sentence vectors (IDF-weighted mean word
  vectors, GloVe 6B 50d when installed) with the dense generator, and
  :class:`~miso_resample.decoders._source_editor.SourceEditor` edits each source toward
  its anchor vector (substitutions, deletions, a splice);
* ``"pretrained"``: trained as ``"edit"``; a pretrained language model
  (:mod:`miso_resample.decoders._rewriter`) samples rewrites of each source and the
  one nearest its anchor vector becomes the anchor;
* ``"scratch"``: a word-level vocabulary
  (:class:`~miso_resample.utils.vocabulary.TextVocabulary`), a Transformer
  encoder and two autoregressive decoders sharing one word-embedding table;
  anchors are decoded word by word from ``z`` (greedy, or sampled).
"""

import warnings
from collections import defaultdict

import numpy as np
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import StandardScaler

from ..decoders._rewriter import LanguageModelRewriter, choose_nearest, load_language_model
from ..decoders._source_editor import SourceEditor
from ..difficulty import find_difficult_samples
from ..model import AutoregressiveDecoder, DenseDecoder, DenseEncoder, TransformerSequenceEncoder
from ..utils.devices import resolve_device
from ..utils.glove import GLOVE_DIM, glove_available, glove_matrix
from ..utils.text_input import check_texts
from ..utils.vocabulary import TextVocabulary
from .dense_mode import ModeData, miso_module

__all__ = ["TextMode"]

_MAX_REDRAWS = 5


class TextMode:
    """Texts: TF-IDF difficulty, then the edit or the from-scratch decoder.

    Parameters
    ----------
    params : namespace
        The sampler's parameters with ``"auto"`` resolved for this mode.
    """

    name = "text"
    decoders = ("edit", "scratch", "pretrained")
    _vector_decoders = ("edit", "pretrained")      # MISO on sentence vectors
    _vector_auto = dict(max_epochs=20, pretrain_epochs=3, lr=1e-3, epoch_pairs=1024,
                        adversarial_weight=1.0)
    auto = {"edit": _vector_auto, "pretrained": _vector_auto,
            "scratch": dict(max_epochs=3, pretrain_epochs=3, lr=1e-3, epoch_pairs=None,
                            adversarial_weight=0.1)}

    def __init__(self, params):
        self.params = params

    @property
    def validates(self):
        """Early stopping needs anchor vectors: the edit and pretrained decoders have them."""
        return self.params.decoder in self._vector_decoders

    @staticmethod
    def check_X_y(sampler, X, y):
        """Texts checked by :func:`check_texts`; labels as imbalanced-learn does."""
        from imblearn.utils import check_target_type
        from sklearn.utils.validation import check_consistent_length, column_or_1d

        texts, _ = check_texts(X)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        y = column_or_1d(y)
        check_consistent_length(texts, y)
        return np.asarray(texts, dtype=object), y, binarize_y

    def use_word_vectors(self):
        """True when the word vectors come from GloVe."""
        choice = self.params.word_vectors
        return choice == "glove" or (choice == "auto" and glove_available())

    def prepare(self, X, y, targets, rng):
        p = self.params
        texts = list(X)
        vocabulary = TextVocabulary(max_length=p.max_length, max_vocab_size=p.max_vocab_size,
                                    stop_words=p.stop_words)
        ids = vocabulary.fit_transform(texts)
        features = TfidfVectorizer(analyzer=vocabulary.words,
                                   sublinear_tf=True).fit_transform(texts)
        difficult = find_difficult_samples(features, y, k_neighbors=p.k_neighbors,
                                           minority_class=list(targets), metric="cosine")
        embedding_seed = int(rng.randint(np.iinfo(np.int32).max))
        context = dict(texts=texts, vocabulary=vocabulary, word_vectors=None)
        if p.decoder == "pretrained":          # load (or fail) before any training
            context["rewriter"] = LanguageModelRewriter(
                *load_language_model(p.language_model), prompt=p.rewrite_prompt,
                top_p=p.top_p or 0.9, temperature=p.temperature, batch_size=p.batch_size,
                device=resolve_device(p.device))
        if p.decoder in self._vector_decoders:
            editor = SourceEditor(texts, y, use_glove=self.use_word_vectors(),
                                  edit_rate=p.edit_rate, splice_rate=p.splice_rate,
                                  temperature=p.temperature, random_state=embedding_seed)
            scaler = StandardScaler().fit(editor.sentence_vectors())
            inputs = scaler.transform(editor.sentence_vectors()).astype(np.float32)
            context.update(editor=editor, scaler=scaler)
            return ModeData(inputs, difficult, context, features=features, metric="cosine")
        if self.use_word_vectors():
            tokens = [vocabulary.tokenizer_.id_to_token(i)
                      for i in range(vocabulary.vocab_size_)]
            context["word_vectors"], _ = glove_matrix(tokens, random_state=embedding_seed)
            context["word_vectors"][vocabulary.pad_id_] = 0.0
        return ModeData(ids, difficult, context, features=features, metric="cosine")

    def build_module(self, data):
        p = self.params
        if p.decoder in self._vector_decoders:
            n = data.inputs.shape[1]
            return miso_module(p, DenseEncoder(n, p.latent_dim, p.hidden_dim),
                               DenseDecoder(p.latent_dim, n, p.hidden_dim, residual=True),
                               DenseDecoder(p.latent_dim, n, p.hidden_dim))
        v = data.context["vocabulary"]
        embedding = torch.nn.Embedding(v.vocab_size_, GLOVE_DIM, padding_idx=v.pad_id_)
        if data.context["word_vectors"] is not None:
            embedding.weight.data.copy_(torch.from_numpy(data.context["word_vectors"]))
        width, heads, hidden, length = p.latent_dim, p.n_heads, p.hidden_dim, p.max_length

        def decoder():
            return AutoregressiveDecoder(embedding, width, heads, hidden, length, v.bos_id_,
                                         v.eos_id_, banned_ids=[v.unk_id_])
        return miso_module(p, TransformerSequenceEncoder(embedding, width, heads, hidden,
                                                         length), decoder(), decoder())

    def generate(self, net, data, source, partners, rng):
        """Anchor texts and how many had to be re-drawn because they copied a text."""
        if self.params.decoder == "edit":
            return self._edit(net, data, source, partners, rng)
        if self.params.decoder == "pretrained":
            return self._rewrite(net, data, source, partners, rng)
        return self._decode(net, data, source, partners)

    def _anchor_vectors(self, net, data, source, partners):
        return data.context["scaler"].inverse_transform(
            net.generate(data.inputs[source], data.inputs[partners]).astype(np.float64))

    def _rewrite(self, net, data, source, partners, rng):
        """Each anchor: of ``n_candidates`` rewrites of its source by the language model,
        the one nearest its anchor vector that copies no training text nor an earlier
        anchor; an edit of the source when none is left (counted as re-drawn)."""
        editor, texts = data.context["editor"], data.context["texts"]
        targets = self._anchor_vectors(net, data, source, partners)
        rewrites = data.context["rewriter"].rewrite([texts[s] for s in source],
                                                    self.params.n_candidates,
                                                    verbose=self.params.verbose)
        known, anchors, redrawn = set(texts), [], 0
        for s, target, candidates in zip(source, targets, rewrites):
            vectors = [editor.sentence_vector(c) for c in candidates]
            best = choose_nearest(candidates, vectors, target, known)
            if best is None:
                redrawn += 1
                anchor = editor.edit(int(s), target, rng)
            else:
                anchor = candidates[best]
            known.add(anchor)
            anchors.append(anchor)
        return anchors, redrawn

    def _edit(self, net, data, source, partners, rng):
        """Edit each source toward its anchor vector; re-draw edits that copy a text."""
        editor, texts = data.context["editor"], data.context["texts"]
        targets = self._anchor_vectors(net, data, source, partners)
        known, anchors, redrawn = set(texts), [], 0
        used = defaultdict(set) if self.params.distinct_edits else None
        for s, target in zip(source, targets):
            siblings = used[int(s)] if used is not None else None
            anchor = editor.edit(int(s), target, rng, siblings)
            for _ in range(_MAX_REDRAWS):
                if anchor not in known:
                    break
                redrawn += 1
                anchor = editor.edit(int(s), target, rng, siblings)
            known.add(anchor)
            anchors.append(anchor)
        copies = sum(a in set(texts) for a in anchors)
        if copies:
            warnings.warn(f"{copies} anchors still copy a training text after "
                          f"{_MAX_REDRAWS} re-drawn edits (texts without content words).")
        return anchors, redrawn

    def _decode(self, net, data, source, partners):
        """Decode anchors word by word; one identical to its source is re-drawn."""
        p, ids = self.params, data.inputs
        vocabulary, texts = data.context["vocabulary"], data.context["texts"]
        options = dict(decoding=p.decoding, temperature=p.temperature, top_k=p.top_k,
                       top_p=p.top_p)
        anchors = vocabulary.inverse_transform(net.generate(ids[source], ids[partners],
                                                            **options))
        originals = vocabulary.inverse_transform(ids[source])
        resample = dict(decoding="sample", temperature=max(1.0, p.temperature),
                        top_k=p.top_k or 50)

        def copies():
            return [i for i, (a, o, s) in enumerate(zip(anchors, originals, source))
                    if a == o or a == texts[s]]

        redrawn = set()
        for _ in range(_MAX_REDRAWS):
            rows = copies()
            if not rows:
                break
            redrawn.update(rows)
            new = vocabulary.inverse_transform(
                net.generate(ids[source[rows]], ids[partners[rows]], **resample))
            for i, text in zip(rows, new):
                anchors[i] = text
        if copies():
            warnings.warn(f"{len(copies())} anchors still copy their source text after "
                          f"{_MAX_REDRAWS} sampled re-draws (very short or very frequent "
                          "texts).")
        return anchors, len(redrawn)

    def assemble(self, X, y, anchors, labels, data):
        new_texts = [t for block in anchors for t in block]
        X_res = np.asarray(list(X) + new_texts, dtype=object)
        return X_res, (np.hstack([y, *labels]) if labels else y)
