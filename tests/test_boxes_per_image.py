# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/boxes_per_image.py: the labeled images' box density
that ClassFrequencyThresholdFilter keeps."""
import ast
import os.path as osp

import numpy as np
import pytest

from .conftest import REPO, load_tool, voc_boxes_per_image

boxes_per_image = load_tool('analysis_tools', 'boxes_per_image.py')
CONFIG = osp.join(REPO, 'configs', 'dsym_neu_40pct.py')


def tiny_options(tiny_neu, *flags, options=()):
    return [
        CONFIG, *flags, '--cfg-options',
        f'train_dataloader.dataset.datasets.0.data_root={tiny_neu}',
        'train_dataloader.dataset.datasets.0.ann_file='
        'annotations/labeled_tiny.json', *options
    ]


def test_counts_the_labeled_images_and_checks_the_filter(
        tiny_neu, neu_root, capsys):
    expected = voc_boxes_per_image(
        neu_root, osp.join(tiny_neu, '..', 'splits', 'labeled_tiny.txt'),
        load_tool('dataset_converters', 'neu_det.py').CLASSES)
    assert expected[:4].min() > 0 and expected[4:].max() == 0
    # the config's filter holds the 40 % split's numbers, not these
    assert boxes_per_image.main(tiny_options(tiny_neu, '--check')) == 1
    out = capsys.readouterr().out
    assert 'labeled_tiny.json: 8 images' in out
    printed = out.split('boxes_per_image=')[1].splitlines()[0]
    np.testing.assert_allclose(
        ast.literal_eval(printed), expected, atol=0.005)
    assert 'set model.semi_train_cfg.pseudo_label_filter' in out
    # without --check the tool only reports
    assert boxes_per_image.main(tiny_options(tiny_neu)) == 0
    # with the counted numbers in the config it agrees
    assert boxes_per_image.main(tiny_options(
        tiny_neu, '--check', options=[
            'model.semi_train_cfg.pseudo_label_filter.boxes_per_image=' +
            printed.replace(' ', '')
        ])) == 0
    assert "the config's filter holds these numbers" in \
        capsys.readouterr().out


def test_finds_the_numbers_inside_a_sequential_filter():
    nested = dict(type='mmdet.SequentialPseudoLabelFilter', filters=[
        dict(type='mmdet.ClasswiseNMSFilter', iou_threshold=0.5),
        dict(type='mmdet.ClassFrequencyThresholdFilter',
             boxes_per_image=[0.25, 0.5])
    ])
    assert boxes_per_image.find_boxes_per_image(nested) == [0.25, 0.5]
    assert boxes_per_image.find_boxes_per_image(
        dict(type='mmdet.ScoreThresholdFilter', score_thr=0.5)) is None


def test_an_empty_labeled_file_is_named(tiny_neu, tmp_path):
    import json
    empty = tmp_path / 'empty.json'
    coco = json.load(open(osp.join(tiny_neu, 'annotations',
                                   'labeled_tiny.json')))
    json.dump(dict(coco, images=[], annotations=[]), open(empty, 'w'))
    with pytest.raises(ValueError, match='empty.json: no images'):
        boxes_per_image.main([
            CONFIG, '--cfg-options',
            f'train_dataloader.dataset.datasets.0.data_root={tmp_path}/',
            'train_dataloader.dataset.datasets.0.ann_file=empty.json'
        ])
