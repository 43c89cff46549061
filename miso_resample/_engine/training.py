"""One class's MISO: partners, held-back rows, the skorch net, training, anchors.

:func:`resample_class` is what ``MISOSampler`` runs for every class it
over-samples (the minority) against all other rows (the majority), as in the
paper's multi-class setting (section 6).
"""

import copy

import numpy as np
from skorch.callbacks import ProgressBar

from ..utils.devices import seeded_torch
from .early_stopping import AnchorEarlyStopping, AnchorScoring
from .net import MISONet
from .pairing import PairedDataset, cycled_permutation, nearest_partners, partners_for_anchors
from .schedule import n_training_epochs

__all__ = ["resample_class", "resample_classes"]


def resample_classes(mode, params, data, y, targets, rng):
    """Every class of ``targets`` (label -> anchors to make) against all other rows.

    Returns ``(nets, anchors, labels, sources, n_redrawn)``: per class, its net,
    its anchors, their labels and source rows; and the re-drawn count in all.
    """
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(targets))
    nets, anchors, labels, sources, n_redrawn = {}, [], [], [], 0
    for i, ((cls, n_new), seed) in enumerate(zip(targets.items(), seeds), start=1):
        if params.verbose:
            print(f"MISO: class {cls} ({i}/{len(targets)}), {n_new} anchors")
        prefix = f"class_{cls}_" if len(targets) > 1 else ""
        net, new, source, redrawn = resample_class(mode, params, data, y, cls, n_new,
                                                   int(seed), prefix)
        nets[cls] = net
        anchors.append(new)
        labels.append(np.full(n_new, cls, dtype=y.dtype))
        sources.append(source)
        n_redrawn += redrawn
    return nets, anchors, labels, sources, n_redrawn


def resample_class(mode, params, data, y, cls, n_new, seed, prefix=""):
    """Train one MISONet for class ``cls`` against all other rows; generate its anchors.

    Returns ``(net, anchors, source, n_redrawn)``: the fitted net, the anchors
    (``n_new``, in the mode's form), the row of ``X`` each was generated for, and
    how many the mode had to re-draw.
    """
    minority_rows = np.flatnonzero(y == cls)
    majority_rows = np.flatnonzero(y != cls)
    class_rng = np.random.RandomState(seed)
    table = None
    if params.n_partners is not None:
        features = data.inputs if data.features is None else data.features
        table = nearest_partners(features, minority_rows, majority_rows,
                                 params.n_partners, data.metric)
    train = np.arange(len(minority_rows))
    callbacks = []
    if (params.early_stopping and params.decoder.anchors_are_vectors
            and len(minority_rows) >= 20):
        train, validation = _held_back(len(minority_rows), class_rng)
        callbacks += [_anchor_scoring(data.inputs, minority_rows, majority_rows, train,
                                      validation, table),
                      AnchorEarlyStopping(patience=params.early_stopping)]
    with seeded_torch(seed):
        net = _build_net(params, mode.build_module(data), len(minority_rows),
                         len(majority_rows), n_new, prefix, callbacks)
        net.fit(PairedDataset(data.inputs[minority_rows[train]],
                              data.inputs[majority_rows], class_rng,
                              partners=None if table is None else table[train],
                              n_pairs=params.epoch_pairs))
        if getattr(net, "interrupted_", False):
            raise KeyboardInterrupt(
                f"MISO training of class {cls!r} was interrupted; no anchors were "
                "generated and the sampler is left unfitted.")
        difficult = data.difficult[minority_rows]
        candidates = minority_rows[difficult] if difficult.any() else minority_rows
        source = candidates[cycled_permutation(len(candidates), n_new, class_rng)]
        if table is None:
            picks = cycled_permutation(len(majority_rows), n_new, class_rng)
        else:
            picks = partners_for_anchors(np.searchsorted(minority_rows, source), table)
        partners = majority_rows[picks]
        anchors, redrawn = mode.generate(net, data, source, partners, class_rng)
    return net, anchors, source, redrawn


def _held_back(n_minority, rng):
    """Training and held-back positions (10%, at least 2) of the minority rows."""
    order = rng.permutation(n_minority)
    n_valid = max(2, n_minority // 10)
    return np.sort(order[n_valid:]), np.sort(order[:n_valid])


def _anchor_scoring(inputs, minority_rows, majority_rows, train, validation, table):
    """The anchor-scoring callback: a linear probe of P(minority) fitted on the training
    rows, the held-back rows and their nearest (or a random) majority partner."""
    from sklearn.linear_model import LogisticRegression

    rows = np.concatenate([minority_rows[train], majority_rows])
    labels = np.r_[np.ones(len(train)), np.zeros(len(majority_rows))]
    probe = LogisticRegression(max_iter=1000, class_weight="balanced").fit(inputs[rows], labels)
    partners = (majority_rows[table[validation, 0]] if table is not None
                else majority_rows[np.arange(len(validation)) % len(majority_rows)])
    return AnchorScoring(inputs[minority_rows[validation]], inputs[partners],
                         (probe.coef_[0].astype(np.float64), float(probe.intercept_[0])),
                         inputs[minority_rows[train]])


def _build_net(params, module, n_minority, n_majority, n_anchors, prefix,
               extra_callbacks=()):
    """The skorch net training ``module`` with Algorithm 1 (``prefix`` names checkpoints)."""
    n_pairs = params.epoch_pairs or max(n_minority, n_majority)
    batch_size = min(params.batch_size, n_pairs)
    callbacks = [copy.deepcopy(cb) for cb in (params.callbacks or [])] + list(extra_callbacks)
    for cb in callbacks:         # several classes: keep their checkpoint files apart
        if prefix and hasattr(cb, "fn_prefix"):
            cb.fn_prefix = f"{prefix}{cb.fn_prefix}"
    if params.verbose:
        callbacks.insert(0, ProgressBar())
    return MISONet(
        module,
        pretrain_epochs=params.pretrain_epochs,
        max_epochs=n_training_epochs(params.pretrain_epochs, params.max_epochs, params.use_mi),
        n_minority=n_minority, n_majority=n_majority, n_anchors=n_anchors,
        mi_floor=params.mi_floor, mine_warmup=params.mine_warmup, lr=params.lr,
        optimizer__betas=(0.5, 0.999), batch_size=batch_size, device=params.device,
        iterator_train__drop_last=n_pairs > batch_size,
        # page-locked host batches: asynchronous copies keep a GPU busy
        iterator_train__pin_memory=str(params.device).startswith("cuda"),
        precision=params.precision, callbacks=callbacks, verbose=int(params.verbose))
