# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List, Sequence, Union

import torch.nn as nn
from mmdet.utils import ConfigType, OptMultiConfig
from mmyolo.models.backbones import BaseBackbone
from mmyolo.models.utils import make_divisible, make_round

from dsym_mm.registry import YOLO_MODELS as MODELS

from ..layers import ELAN1, AConv, ADown, RepNCSPELAN4
from ..layers.gelan_blocks import conv

DOWNSAMPLES = dict(Conv=None, AConv=AConv, ADown=ADown)


@MODELS.register_module()
class YOLOv9Backbone(BaseBackbone):
    """GELAN backbone of YOLOv9 (arXiv 2402.13616, Fig. 4 and Table 1).

    A 3x3/2 conv stem, then four stages, each a downsampling layer and an
    ELAN block. ``arch_setting`` rows are::

        [downsample, out_channels, block, hidden_channels,
         branch_channels, num_blocks]

    with ``downsample`` in {'Conv', 'AConv', 'ADown'} and ``block`` in
    {'ELAN1', 'RepNCSPELAN4'}. Channels are those of YOLOv9-s; YOLOv9-t is
    ``widen_factor=0.5`` (16-32-64-96-128 channels, 2.0 M parameters with the
    head at 80 classes).

    Args:
        arch (str): key of :attr:`arch_settings`. Defaults to 'P5'.
        stem_channels (int): output channels of the stem (before widening).
        deepen_factor (float): multiplies ``num_blocks``.
        widen_factor (float): multiplies every channel number.
    """
    arch_settings = {
        'P5': [['Conv', 64, 'ELAN1', 64, 32, 1],
               ['AConv', 128, 'RepNCSPELAN4', 128, 64, 3],
               ['AConv', 192, 'RepNCSPELAN4', 192, 96, 3],
               ['AConv', 256, 'RepNCSPELAN4', 256, 128, 3]],
    }

    def __init__(self,
                 arch: str = 'P5',
                 stem_channels: int = 32,
                 deepen_factor: float = 1.0,
                 widen_factor: float = 1.0,
                 input_channels: int = 3,
                 out_indices: Sequence[int] = (2, 3, 4),
                 frozen_stages: int = -1,
                 plugins: Union[dict, List[dict]] = None,
                 norm_cfg: ConfigType = dict(
                     type='BN', momentum=0.03, eps=0.001),
                 act_cfg: ConfigType = dict(type='SiLU', inplace=True),
                 norm_eval: bool = False,
                 init_cfg: OptMultiConfig = None):
        self.stem_channels = stem_channels
        super().__init__(
            self.arch_settings[arch],
            deepen_factor,
            widen_factor,
            input_channels=input_channels,
            out_indices=out_indices,
            frozen_stages=frozen_stages,
            plugins=plugins,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            norm_eval=norm_eval,
            init_cfg=init_cfg)

    def _width(self, channels: int) -> int:
        return make_divisible(channels, self.widen_factor)

    def _in_channels(self, stage_idx: int) -> int:
        if stage_idx == 0:
            return self._width(self.stem_channels)
        return self._width(self.arch_setting[stage_idx - 1][1])

    def build_stem_layer(self) -> nn.Module:
        return conv(
            self.input_channels,
            self._width(self.stem_channels),
            3,
            stride=2,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def build_stage_layer(self, stage_idx: int, setting: list) -> list:
        down, out_c, block, hidden_c, branch_c, num_blocks = setting
        in_c = self._in_channels(stage_idx)
        out_c, hidden_c = self._width(out_c), self._width(hidden_c)
        branch_c = self._width(branch_c)
        cfg = dict(norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        if down not in DOWNSAMPLES:
            raise KeyError(f'unknown downsample {down!r}, expected one of '
                           f'{list(DOWNSAMPLES)}')
        if DOWNSAMPLES[down] is None:
            downsample = conv(in_c, out_c, 3, stride=2, **cfg)
        else:
            downsample = DOWNSAMPLES[down](in_c, out_c, **cfg)
        if block == 'ELAN1':
            elan = ELAN1(out_c, out_c, hidden_c, branch_c, **cfg)
        elif block == 'RepNCSPELAN4':
            elan = RepNCSPELAN4(out_c, out_c, hidden_c, branch_c,
                                make_round(num_blocks, self.deepen_factor),
                                **cfg)
        else:
            raise KeyError(f'unknown block {block!r}, expected ELAN1 or '
                           'RepNCSPELAN4')
        return [downsample, elan]
