# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""A Mamba (selective state-space) block for 2-D feature maps."""
import math
from typing import Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from dsym_mm.registry import YOLO_MODELS as MODELS
from .selective_scan import selective_scan

SCAN_DIRECTIONS = {'raster': 1, 'ss2d': 4}


@MODELS.register_module()
class MambaBlock2d(BaseModule):
    """Pre-norm residual Mamba block on a ``(B, C, H, W)`` map:
    ``x + Mixer(LayerNorm(x))``, shape-preserving.

    The mixer is Mamba's (Gu & Dao, arXiv 2312.00752, Fig. 3) with a 2-D
    depthwise conv: a linear in-projection to ``x`` and the gate ``z``,
    depthwise ``d_conv x d_conv`` conv and SiLU on ``x``, the selective scan
    of DSYM eq. (4) with input-dependent ``delta``, ``B``, ``C`` (S4D-real
    ``A = -[1..N]``), the gate ``SiLU(z)`` and an out-projection.

    The map becomes a sequence by ``scan_mode``:

    - ``'raster'``: row-major, one direction (DSYM's flattened feature
      sequence);
    - ``'ss2d'``: rows, columns and both reversed (VMamba's SS2D, arXiv
      2401.10166), each direction with its own ``delta``, ``B``, ``C``,
      ``A`` and ``D``; the four outputs are summed.

    Args:
        channels (int): channels of the map.
        d_state (int): state size ``N``.
        expand (float): inner width ``expand * channels``.
        d_conv (int): depthwise conv kernel size.
        dt_rank (int | str): rank of the ``delta`` projection; ``'auto'``
            is ``ceil(channels / 16)``.
        scan_mode (str): ``'raster'`` or ``'ss2d'``.
        dt_min, dt_max (float): range of the initial step sizes.
        backend (str): :func:`selective_scan` backend (``'auto'``: mamba-ssm
            on CUDA, the exact chunked PyTorch scan elsewhere).
        chunk_size (int, optional): chunk length of the PyTorch scan.
    """

    def __init__(self,
                 channels: int,
                 d_state: int = 16,
                 expand: float = 2.0,
                 d_conv: int = 3,
                 dt_rank: Union[int, str] = 'auto',
                 scan_mode: str = 'raster',
                 dt_min: float = 1e-3,
                 dt_max: float = 0.1,
                 backend: str = 'auto',
                 chunk_size: Optional[int] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        if scan_mode not in SCAN_DIRECTIONS:
            raise ValueError(f'scan_mode must be one of '
                             f'{list(SCAN_DIRECTIONS)}, got {scan_mode!r}')
        self.scan_mode = scan_mode
        self.num_directions = k = SCAN_DIRECTIONS[scan_mode]
        self.d_inner = d_inner = int(expand * channels)
        self.d_state = d_state
        self.dt_rank = math.ceil(channels /
                                 16) if dt_rank == 'auto' else dt_rank
        self.dt_min, self.dt_max = dt_min, dt_max
        self.backend, self.chunk_size = backend, chunk_size

        self.norm = nn.LayerNorm(channels)
        self.in_proj = nn.Linear(channels, 2 * d_inner, bias=False)
        self.conv = nn.Conv2d(
            d_inner, d_inner, d_conv, padding=d_conv // 2, groups=d_inner)
        # per direction: x -> (delta, B, C), delta's low-rank up-projection
        self.x_proj_weight = nn.Parameter(
            torch.empty(k, self.dt_rank + 2 * d_state, d_inner))
        self.dt_proj_weight = nn.Parameter(
            torch.empty(k, d_inner, self.dt_rank))
        self.dt_proj_bias = nn.Parameter(torch.empty(k * d_inner))
        self.A_log = nn.Parameter(torch.empty(k * d_inner, d_state))
        self.D = nn.Parameter(torch.empty(k * d_inner))
        self.out_proj = nn.Linear(d_inner, channels, bias=False)
        self.reset_ssm_parameters()

    def reset_ssm_parameters(self):
        """Mamba's initialisation: S4D-real ``A``, ``D = 1``, and ``delta``'s
        bias set so that ``softplus(bias)`` is log-uniform in
        ``[dt_min, dt_max]``."""
        bound = self.d_inner**-0.5
        nn.init.uniform_(self.x_proj_weight, -bound, bound)
        nn.init.uniform_(self.dt_proj_weight, -self.dt_rank**-0.5,
                         self.dt_rank**-0.5)
        log_min, log_max = math.log(self.dt_min), math.log(self.dt_max)
        dt = torch.exp(
            torch.rand_like(self.dt_proj_bias) * (log_max - log_min) +
            log_min).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_proj_bias.copy_(dt + torch.log(-torch.expm1(-dt)))
            self.A_log.copy_(
                torch.log(
                    torch.arange(1, self.d_state + 1,
                                 dtype=torch.float)).expand_as(self.A_log))
            self.D.fill_(1.0)

    def init_weights(self):
        super().init_weights()
        self.reset_ssm_parameters()

    def to_sequences(self, x: Tensor) -> Tensor:
        """``(B, C, H, W)`` -> ``(B, K, C, H * W)``, one per direction."""
        rows = x.flatten(2)
        if self.num_directions == 1:
            return rows.unsqueeze(1)
        cols = x.transpose(2, 3).flatten(2)
        return torch.stack([rows, cols, rows.flip(-1), cols.flip(-1)], 1)

    def from_sequences(self, y: Tensor, height: int, width: int) -> Tensor:
        """Inverse of :meth:`to_sequences`, summing the directions:
        ``(B, K, C, H * W)`` -> ``(B, C, H * W)`` in row-major order."""
        if self.num_directions == 1:
            return y[:, 0]
        rows = y[:, 0] + y[:, 2].flip(-1)
        cols = y[:, 1] + y[:, 3].flip(-1)
        cols = cols.unflatten(-1, (width, height)).transpose(2, 3).flatten(2)
        return rows + cols

    def mix(self, x: Tensor) -> Tensor:
        """Mamba's mixer on a normalised map, ``(B, C, H, W)`` -> same."""
        b, c, h, w = x.shape
        k, d, n = self.num_directions, self.d_inner, self.d_state
        xs, z = self.in_proj(x.flatten(2).transpose(1, 2)).chunk(2, dim=-1)
        xs = xs.transpose(1, 2).reshape(b, d, h, w)
        u = self.to_sequences(F.silu(self.conv(xs)))  # b k d L
        dbc = torch.einsum('bkdl,kcd->bkcl', u, self.x_proj_weight)
        dt, B, C = dbc.split([self.dt_rank, n, n], dim=2)
        dt = torch.einsum('bkrl,kdr->bkdl', dt, self.dt_proj_weight)
        y = selective_scan(
            u.reshape(b, k * d, -1),
            dt.reshape(b, k * d, -1),
            -torch.exp(self.A_log.float()),
            B.contiguous(),
            C.contiguous(),
            self.D.float(),
            delta_bias=self.dt_proj_bias.float(),
            delta_softplus=True,
            backend=self.backend,
            chunk_size=self.chunk_size)
        y = self.from_sequences(y.view(b, k, d, -1), h, w)
        y = y.transpose(1, 2) * F.silu(z)
        return self.out_proj(y).transpose(1, 2).reshape(b, c, h, w)

    def forward(self, x: Tensor) -> Tensor:
        normed = self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        return x + self.mix(normed)
