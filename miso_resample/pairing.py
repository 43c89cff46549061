"""Minibatches of paired minority and majority rows.

The SFM formula of section 4.2 needs as many majority rows as minority rows in
a minibatch (``b_s * h`` triples). An epoch is ``max(n_minority, n_majority)``
pairs: the larger class is seen once, the smaller one is cycled, and the
pairing is redrawn at every epoch (``reshuffle``) so every minority row meets
many different majority rows during training.
"""

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["PairedDataset", "cycled_permutation"]


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
    """

    def __init__(self, minority, majority, random_state=None):
        self.minority = torch.as_tensor(minority)
        self.majority = torch.as_tensor(majority)
        if len(self.minority) == 0 or len(self.majority) == 0:
            raise ValueError("Both sides of a PairedDataset need at least one row.")
        self.n_pairs = max(len(self.minority), len(self.majority))
        self._rng = check_random_state(random_state)
        self.reshuffle()

    def reshuffle(self):
        """Draw a new pairing (called by the net at the start of every epoch)."""
        self.minority_index = cycled_permutation(len(self.minority), self.n_pairs, self._rng)
        self.majority_index = cycled_permutation(len(self.majority), self.n_pairs, self._rng)

    def __len__(self):
        return self.n_pairs

    def __getitem__(self, i):
        # skorch unpacks a batch as (Xi, yi): here (minority rows, majority rows).
        return self.minority[self.minority_index[i]], self.majority[self.majority_index[i]]
