# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/analysis_tools/nms_sweep.py and the held-out annotations it
scores on."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from dsym_mm.datasets import annotations_of_images
from dsym_mm.registry import MODELS

from .conftest import REPO, load_tool
from .test_tools_end_to_end import TINY_EVAL

sweep = load_tool('analysis_tools', 'nms_sweep.py')
YOLO = osp.join(REPO, 'configs', 'yolov9',
                'yolov9_t_1xb16-100e_neu-det-40pct.py')
DSYM = osp.join(REPO, 'configs', 'dsym',
                'dsym_yolov9_t_3k-from-sup_neu-det-40pct.py')


def test_held_out_annotations_are_matched_by_file_name(tmp_path):
    gt = dict(
        images=[dict(id=i, file_name=f'{i}.jpg') for i in (1, 2, 3)],
        annotations=[dict(id=10 + i, image_id=i) for i in (1, 2, 2, 3)],
        categories=[])
    gt['annotations'][2]['id'] = 99
    # the unlabeled file numbers its images its own way
    images = dict(images=[dict(id=7, file_name='2.jpg'),
                          dict(id=8, file_name='3.jpg')])
    (tmp_path / 'gt.json').write_text(json.dumps(gt))
    (tmp_path / 'images.json').write_text(json.dumps(images))
    out = annotations_of_images(str(tmp_path / 'images.json'),
                                str(tmp_path / 'gt.json'),
                                str(tmp_path / 'out.json'))
    coco = json.load(open(out))
    assert [i['file_name'] for i in coco['images']] == ['2.jpg', '3.jpg']
    assert sorted(a['id'] for a in coco['annotations']) == [12, 13, 99]

    images['images'].append(dict(id=9, file_name='4.jpg'))
    (tmp_path / 'images.json').write_text(json.dumps(images))
    with pytest.raises(ValueError, match='holds 2 of the 3 images'):
        annotations_of_images(str(tmp_path / 'images.json'),
                              str(tmp_path / 'gt.json'),
                              str(tmp_path / 'out.json'))


@pytest.mark.parametrize('config', [YOLO, DSYM], ids=['yolov9_t', 'dsym'])
def test_nms_threshold_is_set_on_the_detector_that_predicts(config):
    cfg = Config.fromfile(config)
    sweep.set_nms_iou(cfg, 0.45)
    model = cfg.model.get('detector', cfg.model)
    assert model.test_cfg.nms.iou_threshold == 0.45


def test_sweep_scores_each_threshold_on_the_held_out_images(
        tiny_neu, tmp_path, capsys, monkeypatch):
    config = tmp_path / 'tiny.py'
    config.write_text(f"_base_ = '{YOLO}'\ndata_root = '{tiny_neu}'\n"
                      + TINY_EVAL)
    cfg = Config.fromfile(str(config))
    init_default_scope(cfg.default_scope)
    checkpoint = str(tmp_path / 'random.pth')
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()},
               checkpoint)
    seen = []
    real_use_held_out = sweep.use_held_out

    def use_held_out(cfg, ann_file):
        real_use_held_out(cfg, ann_file)
        seen.append((cfg.test_dataloader.dataset.ann_file,
                     cfg.test_evaluator[1].ann_file,
                     len(json.load(open(ann_file))['images'])))

    monkeypatch.setattr(sweep, 'use_held_out', use_held_out)
    rows = sweep.main([
        str(config), checkpoint, '--iou-thrs', '0.7', '0.5', '--held-out',
        'annotations/labeled_tiny.json', '--gt-ann',
        'annotations/labeled_tiny.json'
    ])
    assert list(rows) == [0.7, 0.5]
    assert all(0 <= m['voc/AP50'] <= 1 for m in rows.values())
    # both thresholds score the 8 labeled images, dataset and COCO metric
    assert len(seen) == 2
    assert all(ds == ev and n == 8 for ds, ev, n in seen)
    table = capsys.readouterr().out
    assert 'on annotations/labeled_tiny.json' in table
    assert '| 0.7 |' in table and '| 0.5 |' in table
