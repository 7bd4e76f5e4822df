# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List, Sequence

import torch
import torch.nn as nn
from mmdet.utils import ConfigType, OptMultiConfig
from mmyolo.models.necks import BaseYOLONeck
from mmyolo.models.utils import make_divisible, make_round

from dsym_mm.registry import YOLO_MODELS as MODELS

from ..layers import SPPELAN, AConv, RepNCSPELAN4


@MODELS.register_module()
class YOLOv9PAFPN(BaseYOLONeck):
    """The GELAN path-aggregation neck of YOLOv9 (arXiv 2402.13616).

    SPPELAN on the deepest level, then a top-down and a bottom-up path whose
    fusion blocks are ``RepNCSPELAN4`` (hidden = out channels, branches =
    half) and whose downsampling layers are ``AConv`` to
    ``downsample_ratio`` times the next level's width. Channel numbers are
    YOLOv9-s's, scaled by ``widen_factor`` (0.5 gives YOLOv9-t).

    With ``aux_branch=True`` the neck also holds the auxiliary branch of
    YOLOv9's programmable gradient information (PGI, paper section 4.1, as
    in YOLOv9-t/s): a second SPPELAN and top-down path on the backbone
    features. In training mode the neck then returns the main levels
    followed by the auxiliary ones, for an auxiliary head
    (:class:`YOLOv9Head` ``aux_head_module``); in eval mode only the main
    levels, so the branch costs nothing at inference.

    Args:
        in_channels (list[int]): backbone output channels (before widening).
        out_channels (list[int]): neck output channels (before widening).
        num_blocks (int): ``RepNCSP`` repeats in every block (before
            ``deepen_factor``).
        downsample_ratio (float): width of a downsampling layer relative to
            the level it feeds.
        aux_branch (bool): build the training-only PGI auxiliary branch.
    """

    def __init__(self,
                 in_channels: List[int],
                 out_channels: List[int],
                 deepen_factor: float = 1.0,
                 widen_factor: float = 1.0,
                 num_blocks: int = 3,
                 downsample_ratio: float = 0.5,
                 aux_branch: bool = False,
                 freeze_all: bool = False,
                 norm_cfg: ConfigType = dict(
                     type='BN', momentum=0.03, eps=0.001),
                 act_cfg: ConfigType = dict(type='SiLU', inplace=True),
                 init_cfg: OptMultiConfig = None):
        self.num_blocks = num_blocks
        self.downsample_ratio = downsample_ratio
        super().__init__(
            in_channels=in_channels,
            out_channels=out_channels,
            deepen_factor=deepen_factor,
            widen_factor=widen_factor,
            upsample_feats_cat_first=True,
            freeze_all=freeze_all,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            init_cfg=init_cfg)
        self.aux_branch = aux_branch
        if aux_branch:
            last = len(in_channels) - 1
            self.aux_reduce_layer = self.build_reduce_layer(last)
            self.aux_top_down_layers = nn.ModuleList(
                self.build_top_down_layer(idx) for idx in range(last, 0, -1))

    def _width(self, channels: float) -> int:
        return make_divisible(channels, self.widen_factor)

    def _elan(self, in_c: int, out_c: int) -> nn.Module:
        return RepNCSPELAN4(
            in_c,
            out_c,
            hidden_channels=out_c,
            branch_channels=out_c // 2,
            num_blocks=make_round(self.num_blocks, self.deepen_factor),
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def _down_width(self, idx: int) -> int:
        return self._width(self.out_channels[idx + 1] * self.downsample_ratio)

    def build_reduce_layer(self, idx: int) -> nn.Module:
        if idx < len(self.in_channels) - 1:
            return nn.Identity()
        return SPPELAN(
            self._width(self.in_channels[idx]),
            self._width(self.out_channels[idx]),
            hidden_channels=self._width(self.in_channels[idx] // 2),
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def build_upsample_layer(self, idx: int) -> nn.Module:
        return nn.Upsample(scale_factor=2, mode='nearest')

    def build_top_down_layer(self, idx: int) -> nn.Module:
        in_c = self._width(self.out_channels[idx]) + self._width(
            self.in_channels[idx - 1])
        return self._elan(in_c, self._width(self.out_channels[idx - 1]))

    def build_downsample_layer(self, idx: int) -> nn.Module:
        return AConv(
            self._width(self.out_channels[idx]),
            self._down_width(idx),
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def build_bottom_up_layer(self, idx: int) -> nn.Module:
        out_c = self._width(self.out_channels[idx + 1])
        return self._elan(self._down_width(idx) + out_c, out_c)

    def build_out_layer(self, idx: int) -> nn.Module:
        return nn.Identity()

    def forward(self, inputs: List[torch.Tensor]) -> tuple:
        outs = super().forward(inputs)
        if self.aux_branch and self.training:
            outs = outs + self.forward_aux(inputs)
        return outs

    def forward_aux(self, inputs: Sequence[torch.Tensor]) -> tuple:
        """The PGI auxiliary levels: SPPELAN on the deepest backbone level,
        then a top-down path that fuses each shallower backbone level."""
        feats = [self.aux_reduce_layer(inputs[-1])]
        for layer, low in zip(self.aux_top_down_layers, inputs[-2::-1]):
            high = self.upsample_layers[0](feats[0])
            feats.insert(0, layer(torch.cat([high, low], 1)))
        return tuple(feats)
