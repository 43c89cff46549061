"""Decoupled long-tail baselines (Kang et al. 2020): cRT and tau-norm.

Both keep the representation learned by the backbone and change only its
final linear layer:

* **cRT** (classifier re-training): re-initialise the layer and train it on the
  frozen features with *class-balanced* sampling (every class equally likely
  in each minibatch);
* **tau-norm**: rescale each class's weight vector ``w_c`` to
  ``w_c / ||w_c||^tau`` (bias dropped, as in the paper), with ``tau`` chosen
  on a validation split; ``tau = 0`` leaves the weights as trained, larger
  values shrink the large-norm (frequent) classes.
"""

import numpy as np
import torch
from sklearn.metrics import f1_score

__all__ = ["retrain_classifier_balanced", "tau_normalized_logits", "choose_tau", "TAU_GRID"]

TAU_GRID = tuple(np.round(np.arange(0.0, 2.01, 0.25), 2))


def retrain_classifier_balanced(layer, features, y, *, epochs=30, lr=1e-2, batch_size=64,
                                random_state=0):
    """cRT: re-initialise ``layer`` and fit it on ``features`` with class-balanced batches."""
    rng = np.random.RandomState(random_state)
    classes = np.unique(y)
    by_class = [np.flatnonzero(y == c) for c in classes]
    layer.reset_parameters()
    optimizer = torch.optim.Adam(layer.parameters(), lr=lr)
    features = torch.as_tensor(features)
    targets = torch.as_tensor(y)
    n_batches = max(1, len(y) // batch_size)
    for _ in range(epochs):
        for _ in range(n_batches):
            chosen = rng.randint(len(classes), size=batch_size)      # class first ...
            idx = np.array([rng.choice(by_class[c]) for c in chosen])  # ... then a sample
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(layer(features[idx]), targets[idx])
            loss.backward()
            optimizer.step()
    return layer


def tau_normalized_logits(features, weight, tau):
    """Logits with class weights ``w_c / ||w_c||^tau`` and no bias."""
    norms = weight.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return features @ (weight / norms ** tau).T


def choose_tau(features, y, weight, grid=TAU_GRID):
    """The ``tau`` of ``grid`` with the best macro-F1 on ``(features, y)`` (ties: smallest)."""
    scores = [f1_score(y, tau_normalized_logits(features, weight, t).argmax(1).numpy(),
                       average="macro", zero_division=0) for t in grid]
    return float(grid[int(np.argmax(scores))])
