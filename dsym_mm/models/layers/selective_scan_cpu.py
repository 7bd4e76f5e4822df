# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""A fused C++ selective scan for CPU tensors
(``csrc/selective_scan_cpu.cpp``).

The chunked PyTorch scan of :mod:`.selective_scan` must write every
``(batch, dim, L, N)`` intermediate to memory; this kernel runs the
recurrence once per channel with its ``N`` states in a local array, the way
mamba-ssm's CUDA kernel keeps them in registers, and its backward recomputes
the states of one channel at a time instead of saving them.

It is compiled with ``torch.utils.cpp_extension`` on first use (about a
minute; cached under ``TORCH_EXTENSIONS_DIR``, by default
``~/.cache/torch_extensions``) and needs a C++ compiler with OpenMP. If the
build fails, :func:`cpu_kernel_available` says so once, with the reason, and
the ``auto`` backend falls back to the chunked scan. ``DSYM_CPU_SCAN=0`` in
the environment turns the kernel off.

It is compiled with ``-ffast-math`` (GCC then vectorises ``exp``, which
makes the forward about six times faster), so it assumes finite values
and decays ``exp(delta * A) <= 1``: ``delta >= 0`` and ``A <= 0``, as
Mamba's softplus and ``A = -exp(A_log)`` make them.
"""
import os
import os.path as osp
import warnings
from typing import Optional

import torch
from torch import Tensor

_SOURCE = osp.join(osp.dirname(osp.abspath(__file__)), 'csrc',
                   'selective_scan_cpu.cpp')
_kernel = None
_build_error: Optional[str] = None


def _load_kernel():
    global _kernel, _build_error
    if _kernel is None and _build_error is None:
        try:
            from torch.utils.cpp_extension import load
            _kernel = load(
                name='dsym_selective_scan_cpu',
                sources=[_SOURCE],
                # -ffast-math lets GCC call the vectorised exp of libmvec;
                # compile-only, so the library does not switch the
                # process's floats to flush-to-zero when it is loaded
                extra_cflags=['-O3', '-march=native', '-ffast-math',
                              '-fopenmp'],
                extra_ldflags=['-fopenmp'],
                verbose=False)
        except Exception as error:  # no compiler, no OpenMP, ...
            _build_error = f'{type(error).__name__}: {error}'
            warnings.warn('dsym_mm: the fused CPU selective scan could not '
                          f'be built ({_build_error}); using the chunked '
                          'PyTorch scan, which is exact but slower')
    return _kernel


def cpu_kernel_available() -> bool:
    """Whether the fused CPU kernel is built (building it on first call)."""
    if os.environ.get('DSYM_CPU_SCAN', '1') == '0':
        return False
    return _load_kernel() is not None


class _FusedScan(torch.autograd.Function):
    """``y = C . h`` of the recurrence, with the kernel's own backward."""

    @staticmethod
    def forward(ctx, u, delta, delta_bias, A, B, C, delta_softplus):
        ctx.save_for_backward(u, delta, delta_bias, A, B, C)
        ctx.delta_softplus = delta_softplus
        return _load_kernel().forward(u, delta, delta_bias, delta_softplus, A,
                                      B, C)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_y):
        u, delta, delta_bias, A, B, C = ctx.saved_tensors
        du, ddelta, dbias, dA, dB, dC = _load_kernel().backward(
            u, delta, delta_bias, ctx.delta_softplus, A, B, C, grad_y)
        return (du, ddelta, dbias if delta_bias.numel() else None, dA, dB,
                dC, None)


def fused_cpu_scan(u: Tensor,
                   delta: Tensor,
                   A: Tensor,
                   B: Tensor,
                   C: Tensor,
                   delta_bias: Optional[Tensor] = None,
                   delta_softplus: bool = False) -> Tensor:
    """``sum_n C[n] h_t[n]`` for ``u, delta`` of shape ``(batch, dim, L)``,
    ``A`` of ``(dim, N)``, ``B, C`` of ``(batch, groups, N, L)`` and
    ``delta_bias`` of ``(dim, )``, all of one floating dtype, on CPU; the
    step is ``softplus(delta + delta_bias)`` with ``delta_softplus``."""
    if not cpu_kernel_available():
        raise RuntimeError(
            'the fused CPU selective scan is not available'
            + (f': {_build_error}' if _build_error else
               ' (DSYM_CPU_SCAN=0)'))
    B, C = (x.transpose(-1, -2).contiguous() for x in (B, C))
    if delta_bias is None:
        delta_bias = u.new_empty(0)
    u, delta, delta_bias, A = (x.contiguous()
                               for x in (u, delta, delta_bias, A))
    return _FusedScan.apply(u, delta, delta_bias, A, B, C, delta_softplus)
