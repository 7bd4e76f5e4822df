# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import importlib
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from dsym_mm.models.layers import MambaBlock2d, selective_scan


def naive_scan(u, delta, A, B, C, D, z, delta_bias):
    """Mamba's recurrence, one step at a time, written out here."""
    batch, dim, length = u.shape
    if B.dim() == 3:
        B, C = B.unsqueeze(1), C.unsqueeze(1)
    per_group = dim // B.shape[1]
    delta = F.softplus(delta + delta_bias[:, None])
    h = u.new_zeros(batch, dim, A.shape[1])
    out = []
    for t in range(length):
        B_t = B[..., t].repeat_interleave(per_group, dim=1)  # b d n
        C_t = C[..., t].repeat_interleave(per_group, dim=1)
        h = torch.exp(delta[..., t, None] * A) * h \
            + (delta[..., t] * u[..., t])[..., None] * B_t
        y = (h * C_t).sum(-1) + D * u[..., t]
        out.append(y * F.silu(z[..., t]))
    return torch.stack(out, dim=-1)


def random_inputs(batch, dim, length, n, groups, dt_scale, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)

    def rand(*shape):
        return torch.randn(*shape, generator=g, dtype=dtype)

    B_shape = (batch, n, length) if groups is None else (batch, groups, n,
                                                         length)
    return dict(
        u=rand(batch, dim, length),
        # softplus(delta) ~ dt_scale: tiny steps keep almost all the state,
        # large ones forget it within a step
        delta=rand(batch, dim, length) * 0.5 +
        torch.log(torch.expm1(torch.tensor(dt_scale, dtype=dtype))),
        A=-torch.exp(rand(dim, n)),
        B=rand(*B_shape),
        C=rand(*B_shape),
        D=rand(dim),
        z=rand(batch, dim, length),
        delta_bias=rand(dim) * 0.1)


CASES = {
    # batch, dim, L, N, groups, softplus(delta) scale, chunk
    'L-not-multiple-of-chunk': (2, 6, 37, 4, None, 0.1, 8),
    'grouped-B-C': (1, 8, 50, 3, 2, 0.1, None),
    'long-L-1600': (1, 4, 1600, 4, 1, 0.05, None),
    'large-delta': (2, 4, 200, 4, None, 30.0, None),
    'tiny-delta': (2, 4, 300, 4, None, 1e-4, 16),
    'one-step-chunks': (1, 3, 9, 2, None, 0.5, 1),
}


@pytest.mark.parametrize('backend', ['chunked', 'cpu_kernel'])
@pytest.mark.parametrize('case', CASES.values(), ids=list(CASES))
def test_fast_scans_are_the_recurrence(case, backend):
    *shape, dt_scale, chunk = case
    inputs = random_inputs(*shape, dt_scale, torch.float64)
    for x in inputs.values():
        x.requires_grad_(True)
    expected = naive_scan(**inputs)
    got = selective_scan(
        **inputs, delta_softplus=True, backend=backend, chunk_size=chunk)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-8)

    weight = torch.randn_like(expected)
    grads = torch.autograd.grad((expected * weight).sum(), inputs.values())
    got_grads = torch.autograd.grad((got * weight).sum(), inputs.values())
    for name, g, e in zip(inputs, got_grads, grads):
        torch.testing.assert_close(g, e, rtol=1e-5, atol=1e-8, msg=name)


def test_float32_scan_close_to_float64_on_long_maps():
    inputs = random_inputs(2, 16, 1024, 16, 1, 0.05, torch.float64)
    expected = naive_scan(**inputs)
    got = selective_scan(
        **{k: v.float() for k, v in inputs.items()},
        delta_softplus=True)
    assert got.dtype == torch.float32
    assert (got.double() - expected).abs().max() <= 1e-4 * max(
        1.0, expected.abs().max())


def test_sequential_backend_is_the_same_recurrence():
    inputs = random_inputs(2, 4, 21, 3, None, 0.3, torch.float64)
    torch.testing.assert_close(
        selective_scan(**inputs, delta_softplus=True, backend='sequential'),
        naive_scan(**inputs))
    with pytest.raises(ValueError, match='backend'):
        selective_scan(**inputs, backend='triton')
    with pytest.raises(ValueError, match='divisible'):
        three_groups = inputs['B'].unsqueeze(1).expand(2, 3, 3, 21)
        selective_scan(**dict(inputs, B=three_groups, C=three_groups))


def test_runs_without_cuda_and_without_mamba_ssm():
    """The auto backend must not import mamba-ssm on CPU, and everything
    imports and trains with mamba-ssm unimportable."""
    code = '\n'.join([
        'import sys',
        "sys.modules['mamba_ssm'] = None  # any import of it fails",
        'import torch',
        'from dsym_mm.models.layers import MambaBlock2d, mamba_ssm_available',
        'assert not mamba_ssm_available()',
        "block = MambaBlock2d(8, d_state=4, scan_mode='ss2d')",
        'x = torch.randn(2, 8, 5, 7)',
        'block(x).square().mean().backward()',
        'assert block.A_log.grad is not None',
    ])
    subprocess.run([sys.executable, '-c', code], check=True)


@pytest.mark.parametrize('with_bias', [True, False])
def test_cpu_kernel_without_softplus(with_bias):
    """The kernel takes delta's bias and softplus itself: without softplus
    (delta used as given, positive here) it is the same recurrence."""
    inputs = random_inputs(2, 6, 40, 4, 2, 0.1, torch.float64)
    inputs['delta'] = F.softplus(inputs['delta'])
    if not with_bias:
        inputs['delta_bias'] = None
    for x in inputs.values():
        if x is not None:
            x.requires_grad_(True)
    got = selective_scan(**inputs, backend='cpu_kernel')
    expected = selective_scan(**inputs, backend='sequential')
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-8)
    leaves = [x for x in inputs.values() if x is not None]
    for g, e in zip(torch.autograd.grad(got.sum(), leaves),
                    torch.autograd.grad(expected.sum(), leaves)):
        torch.testing.assert_close(g, e, rtol=1e-5, atol=1e-8)


def test_auto_backend_runs_the_cpu_kernel_on_cpu(monkeypatch):
    """The kernel builds here (a build failure fails this test, it does
    not skip it); ``auto`` takes it for CPU tensors, and
    ``DSYM_CPU_SCAN=0`` falls back to the chunked scan."""
    module = importlib.import_module('dsym_mm.models.layers.selective_scan')
    assert module.cpu_kernel_available(), module.selective_scan_cpu \
        ._build_error
    calls = []
    fused = module.fused_cpu_scan
    monkeypatch.setattr(module, 'fused_cpu_scan',
                        lambda *a: calls.append(1) or fused(*a))
    inputs = dict(random_inputs(2, 4, 30, 3, None, 0.1, torch.float32),
                  delta_softplus=True)
    got = selective_scan(**inputs)
    assert calls == [1]
    torch.testing.assert_close(got, selective_scan(**inputs,
                                                   backend='chunked'))
    monkeypatch.setenv('DSYM_CPU_SCAN', '0')
    selective_scan(**inputs)
    assert calls == [1]
    with pytest.raises(RuntimeError, match='DSYM_CPU_SCAN'):
        selective_scan(**inputs, backend='cpu_kernel')


def test_auto_backend_never_touches_mamba_ssm_on_cpu(monkeypatch):
    module = importlib.import_module('dsym_mm.models.layers.selective_scan')

    def forbidden():
        raise AssertionError('mamba_ssm imported for CPU tensors')

    monkeypatch.setattr(module, '_import_mamba_selective_scan', forbidden)
    inputs = dict(random_inputs(1, 2, 5, 2, None, 0.1, torch.float32),
                  delta_softplus=True)
    expected = selective_scan(**inputs, backend='chunked')
    torch.testing.assert_close(selective_scan(**inputs), expected)
    with pytest.raises(AssertionError, match='imported'):
        selective_scan(**inputs, backend='mamba_ssm')


@pytest.mark.parametrize('scan_mode', ['raster', 'ss2d'])
def test_mamba_block_shape_and_training(scan_mode):
    torch.manual_seed(0)
    block = MambaBlock2d(8, d_state=4, scan_mode=scan_mode)
    block.init_weights()
    assert torch.allclose(
        -torch.exp(block.A_log[0]), -torch.arange(1., 5.))  # S4D-real
    dt = F.softplus(block.dt_proj_bias)
    assert (dt >= 1e-3 * 0.99).all() and (dt <= 0.1 * 1.01).all()
    x = torch.randn(2, 8, 6, 5)
    target = torch.randn(2, 8, 6, 5)
    assert block(x).shape == x.shape
    optim = torch.optim.Adam(block.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        loss = F.mse_loss(block(x), target)
        optim.zero_grad()
        loss.backward()
        losses.append(loss.item())
        optim.step()
    for name, p in block.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert losses[-1] < 0.7 * losses[0]


def test_ss2d_sequences_round_trip():
    block = MambaBlock2d(3, scan_mode='ss2d')
    x = torch.randn(2, 3, 4, 5)
    seqs = block.to_sequences(x)
    assert seqs.shape == (2, 4, 3, 20)
    # column-major direction visits (0, 0), (1, 0), (2, 0) ...
    assert torch.equal(seqs[:, 1, :, :4], x[:, :, :, 0])
    assert torch.equal(seqs[:, 2], x.flatten(2).flip(-1))
    torch.testing.assert_close(
        block.from_sequences(seqs, 4, 5), 4 * x.flatten(2))


def test_scan_directions_see_different_context():
    """A raster scan is causal in row-major order; SS2D sees the whole map."""
    torch.manual_seed(0)
    for scan_mode, sees_future in (('raster', False), ('ss2d', True)):
        block = MambaBlock2d(4, d_state=4, d_conv=1, scan_mode=scan_mode)
        x = torch.randn(1, 4, 5, 5, requires_grad=True)
        block(x)[0, :, 0, 0].sum().backward()
        # (0, 0) is first in row-major order: only the last pixel can reach
        # it through the reversed scans
        assert bool(x.grad[0, :, 4, 4].abs().sum() > 0) is sees_future
