"""Fluency of word substitutions: a causal language model's view of a word in its context.

The edit decoder substitutes content words by nearby words in a word space,
and nearby words are often associated rather than interchangeable ("exit" ->
"crucial"). :class:`SubstitutionFluency` scores each candidate substitute by
how likely a causal language model finds it where it would stand: the
log-probability of the substitute's first token after the words before it,
minus that of the replaced word's first token, in nats. One forward pass per
source text gives the scores of every position and every candidate, shared by
all the anchors of that source. Only the left context is seen (the model is
causal), and a word split into several tokens is scored by its first one.
"""

import numpy as np
import torch

__all__ = ["SubstitutionFluency", "candidate_table"]


class SubstitutionFluency:
    """Score substitutions of words in texts by a causal language model.

    Parameters
    ----------
    model, tokenizer : transformers objects
        A causal language model (eval mode) and its fast tokenizer.
    batch_size : int, default=8
        Texts per forward pass (sorted by length, so that padding stays short).
    max_tokens : int, default=256
        Tokens read per text; words beyond them are not scored (score 0).
    device : str, default="cpu"
    """

    def __init__(self, model, tokenizer, *, batch_size=8, max_tokens=256, device="cpu"):
        self.model = model.to(device)
        self.tokenizer = tokenizer
        self.batch_size, self.max_tokens, self.device = batch_size, max_tokens, device
        self._first_token = {}
        start = tokenizer.bos_token_id
        self._start = start if start is not None else tokenizer.eos_token_id

    def first_tokens(self, pieces):
        """The first token id of each string in ``pieces`` (cached)."""
        new = sorted({p for p in pieces if p not in self._first_token})
        if new:
            encoded = self.tokenizer(new, add_special_tokens=False)["input_ids"]
            self._first_token.update({p: (ids[0] if ids else self._start)
                                      for p, ids in zip(new, encoded)})
        return np.array([self._first_token[p] for p in pieces], dtype=np.int64)

    def scores(self, texts, starts, originals, candidates):
        """Per text, a (P, N) array: the log-probability of each candidate's first
        token at each word minus that of the original word's first token.

        Parameters
        ----------
        texts : list of str
        starts : list of sequences of int
            Character offset of each of the text's P scored words.
        originals : list of sequences of str
            Each word as written in the text.
        candidates : list of (P, N) arrays of str
            The substitutes, as they would be written.
        """
        return [table for table, _ in self.vet(texts, starts, originals, candidates)]

    def vet(self, texts, starts, originals, candidates, n_proposals=0):
        """:meth:`scores`, and per word the model's own ``n_proposals`` likeliest next
        tokens as ``(stripped text, score)`` pairs (score as in :meth:`scores`)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = [None] * len(texts)
        for first in range(0, len(order), self.batch_size):
            batch = order[first:first + self.batch_size]
            rows = self._context_log_probs([texts[i] for i in batch],
                                           [starts[i] for i in batch])
            for i, logp in zip(batch, rows):
                out[i] = self._differences(texts[i], starts[i], originals[i],
                                           np.asarray(candidates[i], dtype=object), logp,
                                           n_proposals)
        return out

    def _differences(self, text, starts, originals, candidates, logp, n_proposals):
        """(P, N) scores from ``logp`` (P, V): next-token log-probabilities before each
        word (None where the word was not read), and the proposals."""
        scores = np.zeros(candidates.shape, dtype=np.float64)
        proposals = [[] for _ in starts]
        for p, (start, word) in enumerate(zip(starts, originals)):
            if logp[p] is None:
                continue
            space = " " if start > 0 and text[start - 1] == " " else ""
            own = self.first_tokens([space + word])[0]
            ids = self.first_tokens([space + c for c in candidates[p]])
            scores[p] = logp[p][ids] - logp[p][own]
            if n_proposals:
                top = np.argpartition(-logp[p], n_proposals)[:n_proposals]
                proposals[p] = [(self.tokenizer.decode([int(t)]).strip(),
                                 float(logp[p][t] - logp[p][own])) for t in top]
        return scores, proposals

    def _context_log_probs(self, texts, starts):
        """Per text, per word start, the model's next-token log-probabilities (V,)
        given the text up to that word (None: past ``max_tokens``)."""
        encoded = [self.tokenizer(t, add_special_tokens=False, return_offsets_mapping=True)
                   for t in texts]
        ids = [[self._start] + e["input_ids"][:self.max_tokens - 1] for e in encoded]
        width = max(len(i) for i in ids)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None \
            else self._start
        batch = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for r, row in enumerate(ids):
            batch[r, :len(row)] = torch.tensor(row)
            mask[r, :len(row)] = 1
        with torch.no_grad():
            logits = self.model(input_ids=batch.to(self.device),
                                attention_mask=mask.to(self.device)).logits
        out = []
        for r, (enc, word_starts) in enumerate(zip(encoded, starts)):
            token = _token_at(enc["offset_mapping"], word_starts)      # index in enc
            rows = [t if 0 <= t < len(ids[r]) - 1 else -1 for t in token]
            read = [t for t in rows if t >= 0]
            logp = (torch.log_softmax(logits[r, read].float(), dim=-1).cpu().numpy()
                    if read else None)
            position = {t: k for k, t in enumerate(read)}
            out.append([logp[position[t]] if t >= 0 else None for t in rows])
        return out


def _token_at(offsets, starts):
    """For each character offset in ``starts``, the index of the first token that
    ends after it (the token the word starts in); -1 when none does."""
    ends = np.array([end for _, end in offsets], dtype=np.int64)
    index = np.searchsorted(ends, np.asarray(starts, dtype=np.int64), side="right")
    return [int(i) if i < len(ends) else -1 for i in index]


def candidate_table(neighbours, scores, proposed):
    """``(candidates, scores)``, (P, N + K): each word's N neighbours and their scores,
    then its proposed ``(word id, score)`` pairs (K at most; -1 and -inf pad)."""
    width = neighbours.shape[1] + max((len(p) for p in proposed), default=0)
    candidates = np.full((len(neighbours), width), -1, dtype=np.intp)
    table = np.full(candidates.shape, -np.inf)
    candidates[:, :neighbours.shape[1]], table[:, :neighbours.shape[1]] = neighbours, scores
    for row, pairs in enumerate(proposed):
        for k, (word, score) in enumerate(pairs, start=neighbours.shape[1]):
            candidates[row, k], table[row, k] = word, score
    return candidates, table
