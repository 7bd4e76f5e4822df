# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import os
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def find_neu_det():
    """The raw NEU-DET folder: $DSYM_NEU_DET, data/NEU-DET or ../shared."""
    candidates = [
        os.environ.get('DSYM_NEU_DET'),
        osp.join(REPO, 'data', 'NEU-DET'),
        osp.join(REPO, '..', 'shared', 'datasets', 'neu_det'),
    ]
    for path in candidates:
        if path and osp.isdir(osp.join(path, 'annotations')):
            return osp.abspath(path)
    return None


@pytest.fixture(scope='session')
def neu_root():
    root = find_neu_det()
    if root is None:
        pytest.fail('NEU-DET not found: set DSYM_NEU_DET or put it in '
                    'data/NEU-DET (images/ and annotations/)')
    return root


@pytest.fixture(scope='session', autouse=True)
def default_scope():
    from mmengine.registry import init_default_scope

    import dsym_mm  # noqa: F401
    init_default_scope('mmyolo')
