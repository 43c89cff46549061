"""Dense anchors: what each generator change does, next to SMOTE, ADASYN, ROS and the cheap peers.

Data: the synthetic embedding-like rows of the dense benchmark
(:func:`miso_resample.benchmark.synthetic.make_embedding_like`: 5,000 x 384
float32, 5% minority), one stratified 70/30 train/test split per seed. The
benchmark corpora are not used here, so nothing is tuned on their test folds.

Per (seed, method): StandardScaler on the training split -> sampler ->
LogisticRegression, scored on the test split (minority F1, and minority F1 on
difficult / non-difficult test samples as in Table 5); for samplers the anchor
metrics of :func:`miso_resample.metrics.anchor_report` on the training split;
for MISO variants also the wall time of ``fit_resample`` and the MINE estimates
of I(Q; Qbar) and I(K; Qbar): the net's own (its two MINEs, averaged over the
first and the last adversarial epoch), and ``probe`` estimates by a fresh MINE
(:func:`miso_resample.estimate_mutual_information`) of the representations of
every minority training row and its nearest majority row, computed with the
weights after the first adversarial epoch and with the final weights, both at
the last epoch's tau, so that only training differs between the two.

MISO variants: the defaults, then each generator change switched off alone
(``-residual``: ``VectorDecoder(residual=False)``; ``-nearest``: ``n_partners=None``;
``-negatives``: ``majority_signal=None``; ``critic``: ``majority_signal="critic"``;
``-floor``: ``mi_floor=0``; ``-noise``: ``VectorDecoder(latent_noise=0)``), the
CAG-only ablation, and ``legacy`` (every change off: the generator before them).
The definitions live in :mod:`miso_resample.benchmark.variants`.

Run from the repository root (alone: no other torch job on the machine)::

    python benchmarks/bench_dense_anchors.py
"""

import argparse
import time
from pathlib import Path

import numpy as np

from miso_resample.benchmark.report import command_line, write_report
from miso_resample.benchmark.synthetic import make_embedding_like
from miso_resample.benchmark.variants import ABLATIONS, legacy_params

RESULTS = Path(__file__).resolve().parent / "results"

# The shared definitions of the ablations and of the legacy generator.
VARIANTS = {
    "miso": {},
    "miso -residual": ABLATIONS["residual"],
    "miso -nearest": ABLATIONS["nearest"],
    "miso -negatives": ABLATIONS["signal"],
    "miso critic": ABLATIONS["critic"],
    "miso -floor": ABLATIONS["floor"],
    "miso -noise": ABLATIONS["noise"],
    "miso -early": ABLATIONS["early"],
    "cag": dict(use_mi=False),
    "legacy": dict(legacy_params("dense"), lr=1e-4),
}
BASELINES = ("none", "balanced", "threshold", "ros", "smote", "adasyn")


def _sampler(method, seed, extra):
    from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler

    from miso_resample import MISOSampler

    if method in VARIANTS:
        return MISOSampler(random_state=seed, device="cpu", **{**VARIANTS[method], **extra},
                           callbacks=[FirstAdversarialSnapshot()])
    return {"ros": RandomOverSampler, "smote": SMOTE, "adasyn": ADASYN}[method](
        random_state=seed)


class FirstAdversarialSnapshot:
    """skorch callback: a copy of the module's weights after the first adversarial epoch."""

    def __new__(cls):
        from skorch.callbacks import Callback

        class _Snapshot(Callback):
            def on_epoch_end(self, net, **kwargs):
                if net.phase_ == "adversarial" and not hasattr(self, "state_"):
                    import copy

                    self.state_ = copy.deepcopy(net.module_.state_dict())
        return _Snapshot()


def _probe(net, state, X_min, X_maj, seed):
    """Fresh-MINE estimates of I(Q; Qbar) and I(K; Qbar) for the module's weights
    ``state``, on every minority row paired with its nearest majority row, at the
    last epoch's tau (the same tau for both snapshots)."""
    import torch

    from miso_resample import estimate_mutual_information

    module = net.module_
    current = {k: v.clone() for k, v in module.state_dict().items()}
    module.load_state_dict(state)
    module.eval()
    with torch.no_grad():
        q, k, q_bar, _ = module.representations(torch.as_tensor(X_min), torch.as_tensor(X_maj),
                                                net.tau_)
    module.load_state_dict(current)
    kw = dict(max_epochs=60, batch_size=256, random_state=seed)
    return (estimate_mutual_information(q.numpy(), q_bar.numpy(), **kw),
            estimate_mutual_information(k.numpy(), q_bar.numpy(), **kw))


def _mi_trace(sampler, snapshot, X_train, y_train, seed):
    """MINE estimates (nats): the net's own, averaged over the first and the last
    adversarial epochs, and fresh-MINE probes of the first-epoch and final weights."""
    net = sampler.nets_[1]
    adversarial = [h for h in net.history if h["phase"] == "adversarial"]
    if not adversarial or not np.isfinite(adversarial[0].get("mi_majority", np.nan)):
        return {}
    first, last = adversarial[0], adversarial[-1]
    row = {"I(K;Qbar) first": first["mi_majority"], "I(K;Qbar) last": last["mi_majority"],
           "I(Q;Qbar) first": first["mi_minority"], "I(Q;Qbar) last": last["mi_minority"],
           "epochs": len(net.history)}
    if getattr(snapshot, "state_", None) is not None and sampler.pairing == "nearest":
        from miso_resample._engine.pairing import nearest_partners

        mi, ma = np.flatnonzero(y_train == 1), np.flatnonzero(y_train == 0)
        partners = ma[nearest_partners(X_train, mi, ma, 1)[:, 0]]
        X_min, X_maj = (X_train[mi].astype(np.float32), X_train[partners].astype(np.float32))
        (row["probe I(Q;Qbar) first"], row["probe I(K;Qbar) first"]) = _probe(
            net, snapshot.state_, X_min, X_maj, seed)
        (row["probe I(Q;Qbar) last"], row["probe I(K;Qbar) last"]) = _probe(
            net, net.module_.state_dict(), X_min, X_maj, seed)
    return row


def run_method(method, X_train, y_train, X_test, y_test, seed, extra):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV

    from miso_resample.benchmark.protocol import fold_scores
    from miso_resample.metrics import anchor_report

    clf = LogisticRegression(max_iter=2000, class_weight="balanced" if method == "balanced"
                             else None)
    row, start = {"method": method, "seed": seed}, time.perf_counter()
    if method == "threshold":
        model = TunedThresholdClassifierCV(clf, scoring="f1", cv=3, random_state=seed)
        model.fit(X_train, y_train)
    elif method in ("none", "balanced"):
        model = clf.fit(X_train, y_train)
    else:
        sampler = _sampler(method, seed, extra)
        X_res, y_res = sampler.fit_resample(X_train, y_train)
        row["fit_resample_s"] = round(time.perf_counter() - start, 1)
        model = clf.fit(X_res, y_res)
        sources = getattr(sampler, "anchor_sources_", None)
        metrics = anchor_report(X_train, y_train, X_res, y_res, sources=sources)[1]
        row.update({k: round(v, 3) for k, v in metrics.items() if k != "n_anchors"})
        if hasattr(sampler, "nets_"):
            snapshot = next(cb for _, cb in sampler.nets_[1].callbacks_
                            if type(cb).__name__ == "_Snapshot")
            trace = _mi_trace(sampler, snapshot, X_train, y_train, seed)
            row.update({k: round(v, 4) for k, v in trace.items()})
    scores = fold_scores(y_test, model.predict(X_test), X_train, y_train, X_test, 5)
    row.update({k: round(v, 1) for k, v in scores.items()})
    return row


def _summary(rows):
    """Mean over seeds per method (numbers only)."""
    import pandas as pd

    frame = pd.DataFrame(rows).drop(columns="seed")
    return frame.groupby("method", sort=False).mean(numeric_only=True).round(3).reset_index()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=5000)
    parser.add_argument("--n-features", type=int, default=384)
    parser.add_argument("--minority", type=float, default=0.05)
    parser.add_argument("--class-sep", type=float, default=0.8)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--methods", nargs="+", default=list(BASELINES) + list(VARIANTS))
    parser.add_argument("--set", nargs="*", default=[], metavar="PARAM=VALUE",
                        help="extra MISOSampler parameters for every variant")
    parser.add_argument("--name", default="dense_anchors")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    import torch
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    torch.set_num_threads(args.threads)
    extra = {k: _value(v) for k, v in (item.split("=", 1) for item in args.set)}
    rows = []
    for seed in args.seeds:
        X, y = make_embedding_like(args.n_samples, args.n_features, args.minority,
                                   class_sep=args.class_sep, random_state=seed)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=seed)
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        for method in args.methods:
            rows.append(run_method(method, X_train, y_train, X_test, y_test, seed, extra))
            print(rows[-1], flush=True)
    report = write_report(
        args.out, args.name, _summary(rows),
        title=f"Dense anchors on {args.n_samples} x {args.n_features} embedding-like rows, "
              f"{args.minority:.0%} minority, class_sep {args.class_sep}",
        command=command_line("bench_dense_anchors.py", argv), threads=args.threads,
        description=__doc__.split("\n\n")[1] + "\n\n" + __doc__.split("\n\n")[2]
        + f"\n\nMeans over seeds {args.seeds}. F1 in %; anchor metrics on the training "
        "split (shrinkage: anchor-to-mean over source-to-mean distance; p_class: share of "
        "anchors a logistic regression fitted on the real training rows calls minority; "
        "precision / recall: k-NN manifolds, k=5; precision_other: against the majority; "
        "duplicate_rate: anchors within 5% of the minority spread of another anchor of "
        "their source). Extra parameters: " + (" ".join(args.set) or "none") + ".")
    print(report)


def _value(text):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(text, text)


if __name__ == "__main__":
    main()
