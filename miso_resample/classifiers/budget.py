"""Training budgets of the neural classifiers: epochs, or a fixed number of steps.

A method that over-samples to balance nearly doubles the rows of a training
set, and with them the optimizer steps of a fixed number of epochs. Comparing
methods at equal budgets needs training measured in steps: ``max_steps``
minibatches drawn from reshuffled passes over the data (one long skorch epoch;
the last pass is cut where the budget ends).

With ``lengths`` (the token count of every row), each pass is cut into pools
of a few batches, and each pool into batches of similar lengths
(:class:`LengthGroupedBatchSampler`, as Hugging Face's ``group_by_length``):
the same budget in steps, with little padding to compute.
"""

import torch

__all__ = ["LengthGroupedBatchSampler", "step_schedule", "optimizer_steps"]


class LengthGroupedBatchSampler(torch.utils.data.Sampler):
    """Minibatches of rows of similar lengths, from reshuffled passes over the rows.

    Each pass is a random permutation (torch's global RNG), cut into pools of
    ``pool_batches * batch_size`` rows; each pool is sorted by length and cut
    into batches, and the batches of the pass are yielded in random order.
    Every row appears once per pass, in ``ceil(n_rows / batch_size)`` batches; the
    last pool's remainder makes one short batch per pass, at a random place.

    Parameters
    ----------
    lengths : sequence of int
        Token count of every row.
    batch_size : int
    n_batches : int or None, default=None
        Batches in all (passes follow one another, the last one cut); None: one pass.
    pool_batches : int, default=8
    """

    def __init__(self, lengths, batch_size, *, n_batches=None, pool_batches=8):
        self.lengths = torch.as_tensor(lengths)
        if len(self.lengths) == 0:
            raise ValueError("LengthGroupedBatchSampler needs at least one row.")
        self.batch_size = batch_size
        self.n_batches = n_batches
        self.pool_batches = pool_batches

    def _one_pass(self):
        pool_rows = self.pool_batches * self.batch_size
        batches = []
        for pool in torch.randperm(len(self.lengths)).split(pool_rows):
            order = torch.argsort(self.lengths[pool], descending=True, stable=True)
            batches += list(pool[order].split(self.batch_size))
        return [batches[i].tolist() for i in torch.randperm(len(batches))]

    def __iter__(self):
        produced = 0
        while True:
            for batch in self._one_pass():
                if self.n_batches is not None and produced == self.n_batches:
                    return
                produced += 1
                yield batch
            if self.n_batches is None:
                return

    def __len__(self):
        if self.n_batches is not None:
            return self.n_batches
        return -(-len(self.lengths) // self.batch_size)


def step_schedule(n_rows, batch_size, max_epochs, max_steps, lengths=None):
    """skorch ``NeuralNet`` options: ``max_epochs`` shuffled epochs (``max_steps``
    None), or exactly ``max_steps`` minibatches of ``batch_size`` rows; with
    ``lengths``, the batches group rows of similar lengths (and each pass has one
    short batch, so a budget of steps sees slightly fewer rows)."""
    if lengths is not None:
        sampler = LengthGroupedBatchSampler(lengths, batch_size, n_batches=max_steps)
        # a DataLoader takes a batch_sampler only with batch_size=1 and no shuffle
        return dict(max_epochs=max_epochs if max_steps is None else 1,
                    iterator_train__batch_sampler=sampler,
                    iterator_train__batch_size=1, iterator_train__shuffle=False)
    if max_steps is None:
        return dict(max_epochs=max_epochs, iterator_train__shuffle=True)
    from torch.utils.data import RandomSampler

    # without replacement: whole permutations of the rows, one after the other
    sampler = RandomSampler(range(n_rows), num_samples=max_steps * batch_size)
    return dict(max_epochs=1, iterator_train__shuffle=False, iterator_train__sampler=sampler)


def optimizer_steps(net):
    """Optimizer steps a fitted skorch net took (its training minibatches)."""
    return sum(len(epoch["batches"]) for epoch in net.history)
