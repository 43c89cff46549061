"""Semantic fusion module against the formula of section 4.2 computed by hand."""

import numpy as np
import pytest
import torch

from miso_resample.model import SemanticFusionModule, semantic_fusion_attention


def _softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_formula_matches_hand_computation():
    q = np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]])
    k = np.array([[0.2, 0.1], [-1.0, 0.3], [0.4, -0.5]])
    tau = 4.0
    # [softmax(Q K^T / sqrt(tau)) Q] softmax(Q^T K / sqrt(tau)), written out with numpy.
    expected = (_softmax(q @ k.T / 2.0) @ q) @ _softmax(q.T @ k / 2.0)
    got = semantic_fusion_attention(torch.tensor(q), torch.tensor(k), tau).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_formula_first_entry_by_hand():
    # One-dimensional heads: every softmax can be written out by hand.
    q = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    k = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    # row 0: scores q0*k = [1, 0] -> weights [e/(e+1), 1/(e+1)]; feature softmax of a 1x1 is 1
    w = np.e / (np.e + 1)
    expected_row0 = w * 1.0 + (1 - w) * 2.0
    got = semantic_fusion_attention(q, k, 1.0)
    assert got[0, 0].item() == pytest.approx(expected_row0, rel=1e-12)


def _row_entropy(q, k, tau):
    att = torch.softmax(q @ k.T / np.sqrt(tau), dim=-1)
    return float(-(att * att.log()).sum(-1).mean())


def test_larger_tau_flattens_attention():
    gen = torch.Generator().manual_seed(0)
    q, k = torch.randn(16, 4, generator=gen), torch.randn(16, 4, generator=gen)
    entropies = [_row_entropy(q, k, tau) for tau in (1.0, 4.0, 25.0, 1e6)]
    assert all(a < b for a, b in zip(entropies, entropies[1:]))
    assert entropies[-1] == pytest.approx(np.log(16), rel=1e-4)   # uniform in the limit
    # with uniform attention every row of the output is the same (the batch mean mixed)
    out = semantic_fusion_attention(q, k, 1e12)
    torch.testing.assert_close(out, out[:1].expand_as(out))


def test_module_shapes_and_heads():
    sfm = SemanticFusionModule(latent_dim=12, n_heads=3)
    q, k = torch.randn(5, 12), torch.randn(5, 12)
    assert sfm(q, k, tau=2.0).shape == (5, 12)
    with pytest.raises(ValueError, match="multiple of n_heads"):
        SemanticFusionModule(latent_dim=10, n_heads=3)


def test_module_applies_the_formula_per_head():
    torch.manual_seed(0)
    sfm = SemanticFusionModule(latent_dim=4, n_heads=2).double()
    q, k = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
    qp, kp = sfm.query(q), sfm.key(k)
    heads = [semantic_fusion_attention(qp[:, i:i + 2], kp[:, i:i + 2], 9.0) for i in (0, 2)]
    expected = sfm.fusion(torch.cat(heads, dim=1))
    torch.testing.assert_close(sfm(q, k, 9.0), expected)
