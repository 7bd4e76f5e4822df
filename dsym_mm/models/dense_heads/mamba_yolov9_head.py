# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import Optional, Sequence

import torch.nn as nn
from mmdet.utils import ConfigType, OptConfigType

from dsym_mm.registry import YOLO_MODELS as MODELS
from .yolov9_head import YOLOv9Head, YOLOv9HeadModule

PLACEMENTS = ('stem', 'branches')


@MODELS.register_module()
class MambaYOLOv9HeadModule(YOLOv9HeadModule):
    """YOLOv9's decoupled DFL head layers with Mamba blocks (DSYM section
    3.2, eq. (4) and figure 2).

    A :class:`MambaBlock2d` adds long-range context across each feature map
    before the boxes (eq. (5), DFL) and sigmoid classes (eq. (6)) are
    predicted; the bias prior (eq. (7)) is YOLOv9's.

    Args:
        mamba_cfg (dict, optional): keyword arguments of
            :class:`MambaBlock2d` (state size, expansion, ``scan_mode``
            ...); ``channels`` is set here.
        placement (str): ``'stem'``: one block per level on the head's
            input, shared by both branches; ``'branches'``: one block in
            each of the regression and classification branches, after
            their first conv.
        mamba_levels (Sequence[int], optional): indices of the levels that
            get blocks (default: all).
        **kwargs: the arguments of :class:`YOLOv9HeadModule`.
    """

    def __init__(self,
                 *args,
                 mamba_cfg: OptConfigType = None,
                 placement: str = 'stem',
                 mamba_levels: Optional[Sequence[int]] = None,
                 **kwargs):
        if placement not in PLACEMENTS:
            raise ValueError(
                f'placement must be one of {PLACEMENTS}, got {placement!r}')
        self.mamba_cfg = dict(mamba_cfg or {})
        self.placement = placement
        self.mamba_levels = mamba_levels
        super().__init__(*args, **kwargs)

    def _mamba(self, channels: int) -> nn.Module:
        return MODELS.build(
            dict(type='MambaBlock2d', channels=channels, **self.mamba_cfg))

    def _init_layers(self):
        super()._init_layers()
        levels = range(self.num_levels) if self.mamba_levels is None \
            else self.mamba_levels
        if not set(levels) <= set(range(self.num_levels)):
            raise ValueError(f'mamba_levels {list(levels)} must index the '
                             f'{self.num_levels} head levels')
        if self.placement == 'stem':
            self.mamba_stems = nn.ModuleList(
                self._mamba(c) if i in levels else nn.Identity()
                for i, c in enumerate(self.in_channels))
            return
        for i in levels:
            for branches, width in ((self.reg_preds, self.reg_channels),
                                    (self.cls_preds, self.cls_channels)):
                first, *rest = branches[i]
                branches[i] = nn.Sequential(first, self._mamba(width), *rest)

    def forward(self, x):
        if self.placement == 'stem':
            x = [stem(level) for stem, level in zip(self.mamba_stems, x)]
        return super().forward(x)


@MODELS.register_module()
class MambaYOLOv9Head(YOLOv9Head):
    """DSYM's detection head: :class:`YOLOv9Head` (losses, decoding, PGI
    option) whose layers are a :class:`MambaYOLOv9HeadModule`.

    It accepts the same ground truth (packed tensors or a list of
    ``DetDataSample``). The PGI auxiliary head, if any, keeps plain YOLOv9
    layers: it only trains and is dropped at inference.
    """

    def __init__(self, head_module: ConfigType, *args, **kwargs):
        super().__init__(head_module, *args, **kwargs)
        if not isinstance(self.head_module, MambaYOLOv9HeadModule):
            raise TypeError('MambaYOLOv9Head needs a MambaYOLOv9HeadModule '
                            f'head_module, got {type(self.head_module)}')
