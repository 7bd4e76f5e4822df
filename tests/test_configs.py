# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from dsym_mm.registry import MODELS

from .conftest import REPO

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


def test_every_family_has_configs():
    names = [osp.basename(p) for p in CONFIGS]
    for pct in (10, 20, 40, 100):
        assert f'yolov9_t_1xb16-100e_neu-det-{pct}pct.py' in names
    for family in ('yolov8_n', 'tood_r18_fpn'):
        for pct in (40, 100):
            assert f'{family}_1xb16-100e_neu-det-{pct}pct.py' in names


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_builds_and_runs_forward(path):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    assert 'dsym_mm' in cfg.custom_imports.imports
    classes = cfg.train_dataloader.dataset.metainfo.classes
    assert len(classes) == 6
    assert cfg.test_dataloader.dataset.ann_file == 'annotations/test.json'
    assert cfg.train_dataloader.dataset.ann_file.startswith(
        'annotations/labeled_')
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(1, 3, 64, 64))
        outs = model.bbox_head(feats)
    assert len(outs[0]) == len(feats)
    # no SyncBN on a CPU protocol
    assert not any('SyncBatchNorm' in type(m).__name__
                   for m in model.modules())
