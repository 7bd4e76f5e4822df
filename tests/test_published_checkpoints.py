# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""The supervised starts committed under checkpoints/ (written by
tools/model_converters/publish_model.py): each fits the config its name
starts with, and holds the weights its digest suffix names."""
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from dsym_mm.apis import check_checkpoint_matches
from dsym_mm.registry import MODELS
from dsym_mm.utils.weights_digest import checkpoint_digest

from .conftest import REPO

PUBLISHED = sorted(glob.glob(osp.join(REPO, 'checkpoints', '*.pth')))


def test_the_published_starts_are_there():
    # the lr-2e-4 rows of docs/dsym.md start from one (see checkpoints/)
    assert PUBLISHED, 'checkpoints/ holds no published start'


@pytest.mark.parametrize('path', PUBLISHED, ids=osp.basename)
def test_published_start_fits_its_config_and_digest(path):
    name, digest = osp.splitext(osp.basename(path))[0].rsplit('-', 1)
    name = re.sub(r'_seed\d+$', '', name)  # a retrain with another seed
    configs = glob.glob(
        osp.join(REPO, 'configs', '**', f'{name}.py'), recursive=True)
    assert len(configs) == 1, (path, configs)
    cfg = Config.fromfile(configs[0])
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    model = MODELS.build(cfg.model)
    check_checkpoint_matches(model, path)
    assert checkpoint_digest(path).startswith(digest)
