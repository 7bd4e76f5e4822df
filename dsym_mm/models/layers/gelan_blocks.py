# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Building blocks of GELAN, the backbone and neck of YOLOv9.

Written from the description in "YOLOv9: Learning What You Want to Learn
Using Programmable Gradient Information" (Wang et al., arXiv 2402.13616),
section 4.2 (Generalized ELAN) and its released model definitions. Every conv
is an mmcv ``ConvModule`` (conv-BN-SiLU by default) so that ``norm_cfg`` and
``act_cfg`` come from the config; the re-parameterisable 3x3+1x1 conv is
MMYOLO's ``RepVGGBlock`` without an identity branch.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmdet.utils import ConfigType
from mmyolo.models.layers import RepVGGBlock

from dsym_mm.registry import YOLO_MODELS as MODELS

DEFAULT_NORM = dict(type='BN', momentum=0.03, eps=0.001)
DEFAULT_ACT = dict(type='SiLU', inplace=True)


def conv(in_channels: int, out_channels: int, kernel_size: int = 1,
         stride: int = 1, norm_cfg: ConfigType = DEFAULT_NORM,
         act_cfg: ConfigType = DEFAULT_ACT, **kwargs) -> ConvModule:
    """Conv-norm-act with 'same' padding, YOLO's basic ``Conv``."""
    return ConvModule(
        in_channels,
        out_channels,
        kernel_size,
        stride=stride,
        padding=kernel_size // 2,
        norm_cfg=norm_cfg,
        act_cfg=act_cfg,
        **kwargs)


@MODELS.register_module()
class RepNBottleneck(nn.Module):
    """Bottleneck whose first 3x3 conv is re-parameterisable (RepConvN).

    ``x + conv3x3(repconv3x3(x))`` when ``add_identity`` and the widths match.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 expand_ratio: float = 1.0,
                 add_identity: bool = True,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        super().__init__()
        mid = int(out_channels * expand_ratio)
        self.conv1 = RepVGGBlock(
            in_channels,
            mid,
            kernel_size=3,
            padding=1,
            use_bn_first=False,  # no identity branch, as YOLOv9's RepConvN
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.conv2 = conv(mid, out_channels, 3, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)
        self.add_identity = add_identity and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(self.conv1(x))
        return x + out if self.add_identity else out


@MODELS.register_module()
class RepNCSP(nn.Module):
    """CSP block (two 1x1 branches, one through ``num_blocks``
    :class:`RepNBottleneck`), fused by a 1x1 conv."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_blocks: int = 1,
                 expand_ratio: float = 0.5,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        super().__init__()
        mid = int(out_channels * expand_ratio)
        cfg = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.main_conv = conv(in_channels, mid, **cfg)
        self.short_conv = conv(in_channels, mid, **cfg)
        self.final_conv = conv(2 * mid, out_channels, **cfg)
        self.blocks = nn.Sequential(*[
            RepNBottleneck(mid, mid, expand_ratio=1.0, **cfg)
            for _ in range(num_blocks)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.final_conv(
            torch.cat([self.blocks(self.main_conv(x)),
                       self.short_conv(x)], 1))


class _ELANBase(nn.Module):
    """Generalised ELAN aggregation (YOLOv9 paper, Fig. 4(d)).

    A 1x1 conv to ``hidden_channels`` is split in two halves; the second half
    runs through ``branches`` one after another, and the halves plus every
    branch output are concatenated and fused by a 1x1 conv.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 hidden_channels: int, branches: Sequence[nn.Module],
                 branch_channels: int, norm_cfg: ConfigType,
                 act_cfg: ConfigType):
        super().__init__()
        self.in_conv = conv(in_channels, hidden_channels, norm_cfg=norm_cfg,
                            act_cfg=act_cfg)
        self.branches = nn.ModuleList(branches)
        self.out_conv = conv(
            hidden_channels + len(branches) * branch_channels,
            out_channels,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = list(self.in_conv(x).chunk(2, 1))
        for branch in self.branches:
            outs.append(branch(outs[-1]))
        return self.out_conv(torch.cat(outs, 1))


@MODELS.register_module()
class ELAN1(_ELANBase):
    """ELAN with two plain 3x3 conv branches (first stage of GELAN-t/s)."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 hidden_channels: int,
                 branch_channels: int,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        cfg = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        branches = [
            conv(hidden_channels // 2, branch_channels, 3, **cfg),
            conv(branch_channels, branch_channels, 3, **cfg)
        ]
        super().__init__(in_channels, out_channels, hidden_channels,
                         branches, branch_channels, **cfg)


@MODELS.register_module()
class RepNCSPELAN4(_ELANBase):
    """GELAN block: ELAN whose two branches are ``RepNCSP`` + 3x3 conv."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 hidden_channels: int,
                 branch_channels: int,
                 num_blocks: int = 1,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        cfg = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        branches = [
            nn.Sequential(
                RepNCSP(branch_in, branch_channels, num_blocks, **cfg),
                conv(branch_channels, branch_channels, 3, **cfg))
            for branch_in in (hidden_channels // 2, branch_channels)
        ]
        super().__init__(in_channels, out_channels, hidden_channels,
                         branches, branch_channels, **cfg)


@MODELS.register_module()
class AConv(nn.Module):
    """Downsample by 2: 2x2 average pool (stride 1) then a 3x3/2 conv."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        super().__init__()
        self.conv = conv(in_channels, out_channels, 3, stride=2,
                         norm_cfg=norm_cfg, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(x, 2, 1, 0, False, True)
        return self.conv(x)


@MODELS.register_module()
class ADown(nn.Module):
    """Downsample by 2 with two halves: 3x3/2 conv, and 3x3/2 max pool + 1x1
    conv, after a 2x2 average pool (used by YOLOv9-c/e)."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        super().__init__()
        half_in, half_out = in_channels // 2, out_channels // 2
        cfg = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv_branch = conv(half_in, half_out, 3, stride=2, **cfg)
        self.pool_branch = conv(half_in, half_out, 1, **cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(x, 2, 1, 0, False, True)
        x1, x2 = x.chunk(2, 1)
        x2 = self.pool_branch(F.max_pool2d(x2, 3, 2, 1))
        return torch.cat([self.conv_branch(x1), x2], 1)


@MODELS.register_module()
class SPPELAN(nn.Module):
    """Spatial pyramid pooling as an ELAN: a 1x1 conv, then three chained
    ``kernel_size`` max pools (stride 1), all concatenated and fused."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 hidden_channels: int,
                 kernel_size: int = 5,
                 norm_cfg: ConfigType = DEFAULT_NORM,
                 act_cfg: ConfigType = DEFAULT_ACT):
        super().__init__()
        cfg = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.in_conv = conv(in_channels, hidden_channels, **cfg)
        self.pool = nn.MaxPool2d(kernel_size, 1, kernel_size // 2)
        self.out_conv = conv(4 * hidden_channels, out_channels, **cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [self.in_conv(x)]
        for _ in range(3):
            outs.append(self.pool(outs[-1]))
        return self.out_conv(torch.cat(outs, 1))
