# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import pytest
import torch
from mmyolo.models.layers import RepVGGBlock

from dsym_mm.models import (
    ELAN1,
    SPPELAN,
    AConv,
    ADown,
    RepNBottleneck,
    RepNCSP,
    RepNCSPELAN4,
    YOLOv9Backbone,
    YOLOv9PAFPN,
)
from dsym_mm.registry import MODELS


def n_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('module, out_shape', [
    (ELAN1(16, 32, 32, 16), (2, 32, 20, 20)),
    (RepNCSPELAN4(16, 24, 32, 16, num_blocks=2), (2, 24, 20, 20)),
    (RepNCSP(16, 24, num_blocks=2), (2, 24, 20, 20)),
    (AConv(16, 32), (2, 32, 10, 10)),
    (ADown(16, 32), (2, 32, 10, 10)),
    (SPPELAN(16, 32, 8), (2, 32, 20, 20)),
])
def test_block_shapes(module, out_shape):
    assert module(torch.randn(2, 16, 20, 20)).shape == out_shape


def test_block_parameter_counts():
    # ELAN1(c1=8, c2=8, c3=8, c4=4): 1x1 8->8, 3x3 4->4, 3x3 4->4,
    # 1x1 (8+4+4)->8, each conv bias-free with a BN (2 params per channel)
    expected = (8 * 8 + 16) + (4 * 4 * 9 + 8) * 2 + (16 * 8 + 16)
    assert n_params(ELAN1(8, 8, 8, 4)) == expected
    # RepNBottleneck: re-param 3x3 + 1x1 (two BNs), then a 3x3 conv
    expected = (4 * 4 * 9 + 8) + (4 * 4 + 8) + (4 * 4 * 9 + 8)
    assert n_params(RepNBottleneck(4, 4)) == expected
    # AConv is one 3x3 stride-2 conv; ADown two half-width convs
    assert n_params(AConv(8, 16)) == 8 * 16 * 9 + 32
    assert n_params(ADown(8, 16)) == (4 * 8 * 9 + 16) + (4 * 8 + 16)


def test_rep_bottleneck_identity_and_reparameterisation():
    block = RepNBottleneck(8, 8).eval()
    assert block.add_identity and not RepNBottleneck(8, 16).add_identity
    x = torch.randn(1, 8, 9, 9)
    with torch.no_grad():
        before = block(x)
        block.conv1.switch_to_deploy()
        after = block(x)
    assert isinstance(block.conv1, RepVGGBlock)
    torch.testing.assert_close(before, after, rtol=1e-4, atol=1e-5)


def test_backbone_and_neck_widths_of_yolov9_t():
    backbone = YOLOv9Backbone(widen_factor=0.5)
    feats = backbone(torch.randn(1, 3, 64, 64))
    assert [f.shape[1:] for f in feats] == [(64, 8, 8), (96, 4, 4),
                                            (128, 2, 2)]
    neck = YOLOv9PAFPN([128, 192, 256], [128, 192, 256], widen_factor=0.5)
    outs = neck(feats)
    assert [o.shape[1:] for o in outs] == [(64, 8, 8), (96, 4, 4),
                                           (128, 2, 2)]
    settings = YOLOv9Backbone.arch_settings
    settings['bad'] = [['Pool', 64, 'ELAN1', 64, 32, 1]] + settings['P5'][1:]
    try:
        with pytest.raises(KeyError, match='unknown downsample'):
            YOLOv9Backbone(arch='bad')
    finally:
        del settings['bad']


@pytest.mark.parametrize('size,official', [('t', 2_407_632),
                                            ('s', 7_105_888)])
def test_yolov9_matches_the_official_gelan_parameter_count(size, official):
    """With 80 classes and the re-parameterisable convs and BNs fused, the
    official gelan-t and gelan-s have 2,407,632 and 7,105,888 parameters
    (16 of them their fixed DFL conv, which MMYOLO keeps as a buffer)."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        f'configs/yolov9/yolov9_{size}_1xb16-100e_neu-det-100pct.py')
    cfg.model.bbox_head.head_module.num_classes = 80
    cfg.model.train_cfg.assigner.num_classes = 80
    model = MODELS.build(cfg.model).eval()
    for m in model.modules():
        if isinstance(m, RepVGGBlock):
            m.switch_to_deploy()
    bn = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    fused = n_params(model) - sum(n_params(m) for m in bn) + sum(
        m.num_features for m in bn)  # a BN folds into its conv's bias
    assert fused + 16 == official
