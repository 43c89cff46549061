"""Minibatches of paired minority and majority rows.

The SFM formula of section 4.2 needs as many majority rows as minority rows in
a minibatch (``b_s * h`` triples). An epoch is ``max(n_minority, n_majority)``
pairs: the larger class is seen once, the smaller one is cycled, and the
pairing is redrawn at every epoch (``reshuffle``).

Two ways to choose a minority row's majority partner:

* at random (the paper does not say): ``K`` then carries nothing about the
  source, and the estimate of ``I(K; Qbar)`` stays at zero;
* among its ``n_partners`` nearest majority rows (:func:`nearest_partners`), in
  training and at generation: ``K`` is the majority semantics *entangled* with
  the source, which the MI loss is meant to remove (section 4.2).
"""

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

__all__ = ["PairedDataset", "cycled_permutation", "nearest_partners", "partners_for_anchors"]


def nearest_partners(features, minority_rows, majority_rows, n_partners, metric="euclidean"):
    """For each minority row, its ``n_partners`` nearest majority rows (nearest first).

    Returns an int array of shape ``(len(minority_rows), n_partners)`` of
    positions in ``majority_rows`` (``n_partners`` is capped at its length).
    """
    k = min(int(n_partners), len(majority_rows))
    index = NearestNeighbors(n_neighbors=k, metric=metric).fit(features[majority_rows])
    return index.kneighbors(features[minority_rows], return_distance=False)


def partners_for_anchors(source_positions, table):
    """A partner per anchor: the ``j``-th anchor of a source takes the source's
    ``j``-th nearest majority row (cycling), so the anchors of one source differ.

    ``source_positions`` are positions in the minority rows (one per anchor, in
    generation order); ``table`` is :func:`nearest_partners`'s output.
    """
    source_positions = np.asarray(source_positions)
    rank = np.zeros(len(source_positions), dtype=np.intp)
    seen = {}
    for i, s in enumerate(source_positions.tolist()):
        rank[i] = seen.get(s, 0)
        seen[s] = rank[i] + 1
    return table[source_positions, rank % table.shape[1]]


def cycled_permutation(n_items, length, random_state):
    """Concatenated random permutations of ``range(n_items)``, cut to ``length``."""
    rng = check_random_state(random_state)
    n_rounds = -(-length // n_items)
    return np.concatenate([rng.permutation(n_items) for _ in range(n_rounds)])[:length]


class PairedDataset(torch.utils.data.Dataset):
    """Dataset of ``(minority_row, majority_row)`` pairs, redrawn each epoch.

    Parameters
    ----------
    minority, majority : array-like or torch.Tensor
        Model inputs of the two sides (dense rows or padded token ids).
    random_state : int, RandomState instance or None
        Seeds the pairing.
    partners : array of shape (n_minority, k) or None, default=None
        Candidate partners of each minority row (positions in ``majority``, as
        :func:`nearest_partners` returns): each pair draws one of them. None
        pairs at random.
    n_pairs : int or None, default=None
        Pairs per epoch; None: ``max(n_minority, n_majority)``.
    """

    def __init__(self, minority, majority, random_state=None, partners=None, n_pairs=None):
        self.minority = torch.as_tensor(minority)
        self.majority = torch.as_tensor(majority)
        if len(self.minority) == 0 or len(self.majority) == 0:
            raise ValueError("Both sides of a PairedDataset need at least one row.")
        self.partners = None if partners is None else np.asarray(partners)
        self.n_pairs = int(n_pairs or max(len(self.minority), len(self.majority)))
        self._rng = check_random_state(random_state)
        self.reshuffle()

    def reshuffle(self):
        """Draw a new pairing (called by the net at the start of every epoch)."""
        self.minority_index = cycled_permutation(len(self.minority), self.n_pairs, self._rng)
        if self.partners is None:
            self.majority_index = cycled_permutation(len(self.majority), self.n_pairs,
                                                     self._rng)
        else:
            pick = self._rng.randint(self.partners.shape[1], size=self.n_pairs)
            self.majority_index = self.partners[self.minority_index, pick]

    def __len__(self):
        return self.n_pairs

    def __getitem__(self, i):
        # skorch unpacks a batch as (Xi, yi): here (minority rows, majority rows).
        return self.minority[self.minority_index[i]], self.majority[self.majority_index[i]]
