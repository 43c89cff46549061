"""Training budgets of the neural classifiers: epochs, or a fixed number of steps.

A method that over-samples to balance nearly doubles the rows of a training
set, and with them the optimizer steps of a fixed number of epochs. Comparing
methods at equal budgets needs training measured in steps: ``max_steps``
minibatches drawn from reshuffled passes over the data (one long skorch epoch;
the last pass is cut where the budget ends).
"""

__all__ = ["step_schedule", "optimizer_steps"]


def step_schedule(n_rows, batch_size, max_epochs, max_steps):
    """skorch ``NeuralNet`` options: ``max_epochs`` shuffled epochs (``max_steps``
    None), or exactly ``max_steps`` minibatches of ``batch_size`` rows."""
    if max_steps is None:
        return dict(max_epochs=max_epochs, iterator_train__shuffle=True)
    from torch.utils.data import RandomSampler

    # without replacement: whole permutations of the rows, one after the other
    sampler = RandomSampler(range(n_rows), num_samples=max_steps * batch_size)
    return dict(max_epochs=1, iterator_train__shuffle=False, iterator_train__sampler=sampler)


def optimizer_steps(net):
    """Optimizer steps a fitted skorch net took (its training minibatches)."""
    return sum(len(epoch["batches"]) for epoch in net.history)
