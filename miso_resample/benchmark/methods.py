"""The methods of the benchmark, per backbone, and the estimators that realise them.

A *method* is an over-sampler (or none), options of the classifier (class
weights, a loss, a long-tail method, TMix) and whether a tuned decision
threshold wraps the whole pipeline. Backbones:

* ``embedding``: frozen all-MiniLM-L6-v2 sentence embeddings -> StandardScaler
  -> sampler -> LogisticRegression (samplers work on the embeddings);
* ``embedding-mlp``: the same, with a small trainable MLP
  (:class:`~miso_resample.classifiers.DenseMLPClassifier`) instead of the
  linear classifier;
* ``textcnn`` / ``textrnn``: sampler on the raw texts -> TextCNN / TextRNN (the
  paper's M-CNN / M-RNN);
* ``finetune``: sampler on the raw texts -> :class:`TransformerClassifier`,
  MiniLM fine-tuned end to end (the paper's M-XLNet analogue).

SMOTE and ADASYN interpolate vectors, so they exist on the embedding backbones
only; TMix mixes hidden states, so it exists on the fine-tuned one only. The
text backbones also have ``eda`` (:class:`~miso_resample.EDAOverSampler`, the
control for the GloVe neighbours MISO's edits borrow) and ``miso-random-target``
(MISO's edit decoder steered toward random anchor vectors: the control for
MISO's steering), and ``miso-lm``, MISO with
:class:`~miso_resample.decoders.LanguageModelDecoder` (the ``lm`` extra; slow
on a CPU, so named only when asked for). Every neural backbone has ``logit-adjust`` (Menon et al.
2021) and trains every method for the same number of optimizer steps
(:func:`~miso_resample.benchmark.evaluate.step_budget`), except
``miso-fixed-epochs``, which keeps the old fixed-epoch rule.
"""

from dataclasses import dataclass, field

from ..decoders import LanguageModelDecoder, ScratchDecoder
from .variants import ABLATIONS, RandomTargetEditDecoder, legacy_params

__all__ = ["Method", "BACKBONES", "METHODS", "MISO_ABLATIONS", "make_sampler",
           "make_classifier", "methods_of"]

BACKBONES = ("embedding", "embedding-mlp", "textcnn", "textrnn", "finetune")
TEXT_BACKBONES = ("textcnn", "textrnn", "finetune")
DENSE_BACKBONES = ("embedding", "embedding-mlp")


@dataclass(frozen=True)
class Method:
    """How one method is built: sampler name and parameters, classifier options,
    and whether a tuned threshold wraps the pipeline."""

    sampler: str | None = None
    sampler_params: dict = field(default_factory=dict)
    classifier: dict = field(default_factory=dict)
    threshold: bool = False


# MISO's dense generator with each change switched off alone (docs/design.md), the
# CAG-only ablation of section 7.2, and every change off at once ("legacy").
MISO_ABLATIONS = {**{f"miso-{name}": params for name, params in ABLATIONS.items()},
                  "miso-legacy": dict(legacy_params("dense"), lr=1e-4)}

_SHARED = {
    "none": Method(),
    "ros": Method("ros"),
    "balanced": Method(classifier={"class_weight": "balanced"}),
    "threshold": Method(threshold=True),
    "cag": Method("miso", {"use_mi": False}),
    "miso": Method("miso"),
    "miso+threshold": Method("miso", threshold=True),
}
# every neural backbone: the logit-adjusted loss, and MISO under the old epoch rule
_NEURAL = {"logit-adjust": Method(classifier={"loss": "logit_adjusted"}),
           "miso-fixed-epochs": Method("miso", classifier={"max_steps": None})}
_TEXT_CONTROLS = {"eda": Method("eda"),
                  "miso-random-target": Method("miso", {"decoder": RandomTargetEditDecoder()})}
# MISO's anchor vectors prompting and choosing a local language model's texts
# miso-lm keeps the settings its folds were run with (2 candidates per anchor, no
# redraws); since 2026-12-08 the candidates are drawn per group of sources with as many
# anchors, so the miso-lm folds recorded before are not reproduced draw for draw
_LANGUAGE_MODEL = {"miso-lm": Method("miso", {"decoder": LanguageModelDecoder(
    n_candidates=2, n_redraws=0)})}
_DENSE_PEERS = {"smote": Method("smote"), "adasyn": Method("adasyn")}
_TEXT_CLASSIFIER_METHODS = {
    "focal": Method(classifier={"loss": "focal"}),
    "dice": Method(classifier={"loss": "dice"}),
    "crt": Method(classifier={"long_tail": "crt"}),
    "tau_norm": Method(classifier={"long_tail": "tau_norm"}),
}

# Text mode's from-scratch decoder (the paper's autoregressive CAG decoder), sampling
# from the nucleus so that the anchors of one source differ.
_SCRATCH = {"miso-scratch": Method("miso", dict(decoder=ScratchDecoder(decoding="sample",
                                                                      top_p=0.9)))}

METHODS = {
    "embedding": {**_SHARED, **_DENSE_PEERS,
                  **{name: Method("miso", params) for name, params in MISO_ABLATIONS.items()}},
    "embedding-mlp": {**_SHARED, **_DENSE_PEERS, **_NEURAL},
    "textcnn": {**_SHARED, **_NEURAL, **_TEXT_CONTROLS, **_TEXT_CLASSIFIER_METHODS, **_SCRATCH,
                **_LANGUAGE_MODEL},
    "textrnn": {**_SHARED, **_NEURAL, **_TEXT_CONTROLS, **_TEXT_CLASSIFIER_METHODS, **_SCRATCH,
                **_LANGUAGE_MODEL},
    "finetune": {**_SHARED, **_NEURAL, **_TEXT_CONTROLS, **_LANGUAGE_MODEL,
                 "focal": _TEXT_CLASSIFIER_METHODS["focal"],
                 "tmix": Method(classifier={"mixup": "tmix"})},
}


def methods_of(backbone):
    """Names of the methods a backbone has."""
    return list(METHODS[backbone])


def make_sampler(name, params=None, *, random_state=0, device="auto", k_neighbors=5):
    """The over-sampler ``name`` (``"ros"``, ``"smote"``, ``"adasyn"``, ``"eda"``,
    ``"miso"``).

    Parameters
    ----------
    name : str
        The sampler.
    params : dict or None, default=None
        Extra parameters of ``MISOSampler``.
    random_state : int, default=0
    device : str, default="auto"
        MISO's torch device.
    k_neighbors : int, default=5
        MISO's difficult-sample neighbours; SMOTE's and ADASYN's interpolation
        neighbours.

    Returns
    -------
    sampler : imbalanced-learn sampler
    """
    from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler

    from .._sampler import MISOSampler

    params = dict(params or {})
    if name == "ros":
        return RandomOverSampler(random_state=random_state)
    if name == "smote":
        return SMOTE(random_state=random_state, k_neighbors=k_neighbors)
    if name == "adasyn":
        return ADASYN(random_state=random_state, n_neighbors=k_neighbors)
    if name == "eda":
        from ..eda import EDAOverSampler

        return EDAOverSampler(random_state=random_state)
    if name == "miso":
        return MISOSampler(random_state=random_state, device=device, k_neighbors=k_neighbors,
                           **params)
    raise KeyError(f"unknown sampler {name!r}")


def make_classifier(backbone, options=None, *, random_state=0, device="auto"):
    """The classifier of a backbone with a method's options.

    Parameters
    ----------
    backbone : str
        One of :data:`BACKBONES`.
    options : dict or None, default=None
        Classifier parameters of the method (class weights, loss, TMix, ...).
    random_state : int, default=0
    device : str, default="auto"
        Torch device of the neural classifiers.

    Returns
    -------
    classifier : scikit-learn classifier
    """
    options = dict(options or {})
    if backbone == "embedding":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=2000, **options)
    from ..classifiers import (
        DenseMLPClassifier,
        TextCNNClassifier,
        TextRNNClassifier,
        TransformerClassifier,
    )

    cls = {"embedding-mlp": DenseMLPClassifier, "textcnn": TextCNNClassifier,
           "textrnn": TextRNNClassifier, "finetune": TransformerClassifier}[backbone]
    return cls(random_state=random_state, device=device, **options)
