# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""The selective scan of Mamba (S6), exact in plain PyTorch.

DSYM's detection head (paper section 3.2, eq. (4)) runs the discretised
state-space recurrence, for every channel ``d`` and state ``n``::

    h_t = exp(delta_t * A) * h_{t-1} + delta_t * B_t * u_t
    y_t = C_t . h_t + D * u_t,        out_t = y_t * SiLU(z_t)

with input-dependent ``delta``, ``B`` and ``C`` (Gu & Dao, "Mamba",
arXiv 2312.00752, Algorithm 2). The argument conventions are those of
``mamba_ssm.ops.selective_scan_interface.selective_scan_fn``, so that on CUDA
the call is handed to mamba-ssm's kernel unchanged.

On CPU tensors :func:`selective_scan` runs a fused C++ kernel
(:mod:`.selective_scan_cpu`, built on first use); where it cannot be built,
and on CUDA without mamba-ssm, a two-level chunked scan in plain PyTorch:
the sequence of length ``L`` is cut into chunks of ``K``. (1) The
recurrence runs from a zero state over the ``K`` positions of all chunks at
once, each step's output ``C . h`` taken on the way; (2) the
chunk-end states are carried across the ``L / K`` chunks; (3) the carried
state reaches position ``k`` of its chunk through the decay
``exp(A * (delta_1 + ... + delta_k))``. That is about ``3 * sqrt(L)``
vectorised steps instead of ``L``, each on a slab small enough to stay in
cache. Only decays (``<= 1``) and their products appear, never their
inverses, so nothing overflows however large ``delta`` is: a product that
underflows to zero is a decay that small. The result is the exact
recurrence up to float rounding, and autograd gives exact gradients.
"""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from .selective_scan_cpu import cpu_kernel_available, fused_cpu_scan

BACKENDS = ('auto', 'cpu_kernel', 'chunked', 'sequential', 'mamba_ssm')


def mamba_ssm_available() -> bool:
    """Whether mamba-ssm's CUDA kernel can be used (CUDA and an import)."""
    if not torch.cuda.is_available():
        return False
    try:
        _import_mamba_selective_scan()
    except Exception:  # ImportError, or its CUDA extension failing to load
        return False
    return True


def _import_mamba_selective_scan():
    # mamba-ssm imports its CUDA extension at module level: import it only
    # here, never when dsym_mm is imported.
    from mamba_ssm.ops.selective_scan_interface import selective_scan_fn
    return selective_scan_fn


def selective_scan(u: Tensor,
                   delta: Tensor,
                   A: Tensor,
                   B: Tensor,
                   C: Tensor,
                   D: Optional[Tensor] = None,
                   z: Optional[Tensor] = None,
                   delta_bias: Optional[Tensor] = None,
                   delta_softplus: bool = False,
                   backend: str = 'auto',
                   chunk_size: Optional[int] = None) -> Tensor:
    """Selective scan ``out = SSM(A, delta, B, C)(u)`` (Mamba, eq. (4)).

    Args:
        u (Tensor): input, ``(batch, dim, L)``.
        delta (Tensor): step sizes, ``(batch, dim, L)``.
        A (Tensor): state matrix (diagonal per channel), ``(dim, N)``.
        B (Tensor): input matrices, ``(batch, N, L)`` or ``(batch, G, N, L)``
            with ``dim`` divisible by ``G`` (each group of ``dim / G``
            channels shares one ``B``).
        C (Tensor): output matrices, same shapes as ``B``.
        D (Tensor, optional): skip connection, ``(dim, )``.
        z (Tensor, optional): gate, ``(batch, dim, L)``; the output is
            multiplied by ``SiLU(z)``.
        delta_bias (Tensor, optional): added to ``delta``, ``(dim, )``.
        delta_softplus (bool): apply softplus to ``delta`` (after the bias).
        backend (str): ``'cpu_kernel'`` (the fused C++ kernel, CPU
            tensors), ``'chunked'`` (plain PyTorch, any device),
            ``'sequential'`` (the step-by-step reference, slow),
            ``'mamba_ssm'`` (mamba-ssm's CUDA kernel) or ``'auto'``:
            mamba-ssm for CUDA tensors when it imports, the C++ kernel for
            CPU tensors when it builds, else ``'chunked'``.
        chunk_size (int, optional): chunk length of ``'chunked'``; default
            ``ceil(sqrt(L))``, which minimises the number of steps.

    Returns:
        Tensor: ``(batch, dim, L)`` in the dtype of ``u``.
    """
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got {backend!r}')
    if backend == 'auto':
        if u.is_cuda:
            backend = 'mamba_ssm' if mamba_ssm_available() else 'chunked'
        else:
            backend = 'cpu_kernel' if cpu_kernel_available() else 'chunked'
    if backend == 'mamba_ssm':
        return _import_mamba_selective_scan()(u, delta, A, B, C, D, z,
                                              delta_bias, delta_softplus)

    dtype = u.dtype
    batch, dim, length = u.shape
    if B.dim() == 3:
        B, C = B.unsqueeze(1), C.unsqueeze(1)
    groups = B.shape[1]
    if dim % groups:
        raise ValueError(f'dim {dim} is not divisible by the {groups} groups '
                         'of B and C')
    work = torch.promote_types(torch.float32, dtype)
    u, delta, A, B, C = (t.to(work) for t in (u, delta, A, B, C))
    if delta_bias is not None:
        delta_bias = delta_bias.to(work)
    if backend == 'cpu_kernel':  # takes the bias and softplus itself
        y = fused_cpu_scan(u, delta, A, B, C, delta_bias, delta_softplus)
    else:
        if delta_bias is not None:
            delta = delta + delta_bias[:, None]
        if delta_softplus:
            delta = F.softplus(delta)
        if backend == 'sequential':
            y = _sequential_scan(u, delta, A, B, C)
        else:
            chunk = chunk_size or max(1, math.ceil(math.sqrt(length)))
            y = _chunked_scan(u, delta, A, B, C, chunk)
    if D is not None:
        y = y + u * D.to(work)[:, None]
    if z is not None:
        y = y * F.silu(z.to(work))
    return y.to(dtype)


def _sequential_scan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor,
                     C: Tensor) -> Tensor:
    """One step per position: the reference the chunked scan is timed and
    checked against (mamba-ssm's ``selective_scan_ref`` recurrence)."""
    batch, dim, length = u.shape
    groups, n = B.shape[1], B.shape[2]
    decay = torch.exp(delta.unsqueeze(-1) * A[:, None, :])  # b d l n
    B = B.repeat_interleave(dim // groups, dim=1)  # b d n l
    C = C.repeat_interleave(dim // groups, dim=1)
    drive = (delta * u).unsqueeze(-1) * B.transpose(2, 3)  # b d l n
    h = u.new_zeros(batch, dim, n)
    ys = []
    # unbind, not indexing: its backward stacks the step gradients instead
    # of scattering each into a full-size zero tensor
    for decay_t, drive_t, C_t in zip(decay.unbind(2), drive.unbind(2),
                                     C.unbind(3)):
        h = decay_t * h + drive_t
        ys.append((h * C_t).sum(-1))
    return torch.stack(ys, dim=-1)


def _chunked_scan(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor,
                  chunk: int) -> Tensor:
    """Two-level scan; see the module docstring.

    Layout ``(K, batch, groups, dim / groups, chunks, N)`` so that every
    step reads one contiguous slab.
    """
    batch, dim, length = u.shape
    groups, n = B.shape[1], B.shape[2]
    per_group = dim // groups
    chunks = -(-length // chunk)
    pad = chunks * chunk - length
    if pad:  # delta = 0 pads: decay 1, no drive; the outputs are cut off
        u, delta = F.pad(u, (0, pad)), F.pad(delta, (0, pad))
        B, C = F.pad(B, (0, pad)), F.pad(C, (0, pad))

    def steps_first(x: Tensor) -> Tensor:
        # (b, g, e, L) -> (K, b, g, e, chunks)
        return x.unflatten(-1, (chunks, chunk)).movedim(-1, 0)

    delta_k = steps_first(delta.reshape(batch, groups, per_group, -1))
    du_k = steps_first((delta * u).reshape(batch, groups, per_group, -1))
    B_k = steps_first(B).movedim(-2, -1).unsqueeze(3)  # K b g 1 chunks N
    C_k = steps_first(C).movedim(-2, -1).unsqueeze(3)
    delta_k, du_k, B_k, C_k = (x.contiguous()
                               for x in (delta_k, du_k, B_k, C_k))
    A_g = A.view(groups, per_group, 1, n)

    # 1) the recurrence inside every chunk from a zero state, all chunks
    #    at once; each step's output y = C . h on the way
    h = None
    y = []
    for k in range(chunk):
        drive = du_k[k].unsqueeze(-1) * B_k[k]  # b g e chunks N
        if h is None:
            h = drive
        else:
            h = torch.addcmul(drive, torch.exp(delta_k[k].unsqueeze(-1) * A_g),
                              h)
        y.append((h * C_k[k]).sum(-1))
    # 2) carry the state across chunk ends; the decay from a chunk's start
    #    to its position k is exp(A * (delta_0 + ... + delta_k)) <= 1
    delta_in_chunk = torch.cumsum(delta_k, dim=0)
    chunk_decay = torch.exp(delta_in_chunk[-1].unsqueeze(-1) * A_g)
    carry = torch.zeros_like(h[..., 0, :])
    carried = []
    for c in range(chunks):
        carried.append(carry)
        carry = torch.addcmul(h[..., c, :], chunk_decay[..., c, :], carry)
    carried = torch.stack(carried, dim=-2)  # b g e chunks N
    # 3) y_k += C_k . (decay since the chunk start * carried state)
    for k in range(chunk):
        y[k] = y[k] + (torch.exp(delta_in_chunk[k].unsqueeze(-1) * A_g) *
                       carried * C_k[k]).sum(-1)
    y = torch.stack(y, dim=-1)  # b g e chunks K
    return y.reshape(batch, dim, -1)[..., :length]
