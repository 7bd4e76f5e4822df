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


def load_tool(*path: str):
    """A script under tools/ as a module."""
    import importlib.util
    name = osp.splitext(path[-1])[0]
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO, 'tools', *path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_neu_converter():
    """tools/dataset_converters/neu_det.py as a module."""
    return load_tool('dataset_converters', 'neu_det.py')


def voc_boxes_per_image(neu_root: str, split_file: str, classes) -> list:
    """Boxes per image of each class over the images that ``split_file``
    lists, counted on NEU-DET's raw VOC files (independently of the
    converter and of the datasets)."""
    import numpy as np

    from dsym_mm.datasets.voc_annotations import parse_voc_xml
    with open(split_file) as f:
        stems = f.read().split()
    counts = np.zeros(len(classes))
    for stem in stems:
        record = parse_voc_xml(
            osp.join(neu_root, 'annotations', stem + '.xml'), classes)
        np.add.at(counts, record['labels'], 1)
    return counts / len(stems)


@pytest.fixture(scope='session')
def tiny_neu(neu_root, tmp_path_factory):
    """A tiny converted NEU-DET: 8 labeled, 8 unlabeled and 6 test images.

    Returns the data root (with ``annotations/{labeled,unlabeled}_tiny.json``
    and ``annotations/test.json``).
    """
    neu = load_neu_converter()
    tmp = tmp_path_factory.mktemp('tiny_neu')
    splits = tmp / 'splits'
    splits.mkdir()
    (splits / 'labeled_tiny.txt').write_text(''.join(
        f'{c}_{n}\n' for c in neu.CLASSES[:4] for n in (1, 2)))
    (splits / 'unlabeled_tiny.txt').write_text(''.join(
        f'{c}_{n}\n' for c in neu.CLASSES[2:] for n in (3, 4)))
    (splits / 'test.txt').write_text(''.join(
        f'{c}_300\n' for c in neu.CLASSES))
    data = tmp / 'data'
    neu.convert(neu_root, str(data), str(splits))
    return str(data) + '/'
