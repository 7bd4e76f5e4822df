# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""The two mAP@0.5 numbers of tools/test.py on a hand-made case."""
import contextlib
import io
import json

import pytest
import torch
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from dsym_mm.registry import METRICS

from .conftest import load_tool

CLASSES = ('a', 'b')
# image 1: two 'a' boxes; image 2: one 'b' box
GT = {
    1: ([[10, 10, 50, 50], [60, 60, 90, 100]], [0, 0]),
    2: ([[20, 30, 80, 70]], [1]),
}
# detections: (image, box, score, label)
DETS = [
    (1, [11, 11, 50, 51], 0.9, 0),  # TP for a
    (1, [100, 100, 150, 150], 0.8, 0),  # FP
    (1, [61, 62, 90, 99], 0.7, 0),  # TP for a
    (2, [20, 30, 80, 70], 0.6, 1),  # TP for b
    (2, [0, 0, 10, 10], 0.95, 1),  # FP ranked first for b
]


def coco_files(tmp_path):
    images = [dict(id=i, file_name=f'{i}.jpg', width=128, height=128)
              for i in GT]
    anns = []
    for img_id, (boxes, labels) in GT.items():
        for b, lab in zip(boxes, labels):
            anns.append(dict(id=len(anns) + 1, image_id=img_id,
                             category_id=lab + 1, iscrowd=0,
                             bbox=[b[0], b[1], b[2] - b[0], b[3] - b[1]],
                             area=(b[2] - b[0]) * (b[3] - b[1])))
    gt = dict(images=images, annotations=anns,
              categories=[dict(id=i + 1, name=n)
                          for i, n in enumerate(CLASSES)])
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(gt))
    return str(path)


def data_samples():
    out = []
    for img_id, (boxes, labels) in GT.items():
        dets = [d for d in DETS if d[0] == img_id]
        out.append(
            dict(img_id=img_id, ori_shape=(128, 128),
                 gt_instances=dict(
                     bboxes=torch.tensor(boxes, dtype=torch.float),
                     labels=torch.tensor(labels)),
                 ignored_instances=dict(bboxes=torch.zeros(0, 4),
                                        labels=torch.zeros(0).long()),
                 pred_instances=dict(
                     bboxes=torch.tensor([d[1] for d in dets],
                                         dtype=torch.float),
                     scores=torch.tensor([d[2] for d in dets]),
                     labels=torch.tensor([d[3] for d in dets]))))
    return out


def evaluate(metric_cfg):
    metric = METRICS.build(metric_cfg)
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process({}, data_samples())
    return metric.evaluate(size=len(GT))


def test_voc_area_ap_per_class_by_hand():
    res = evaluate(dict(type='mmdet.ClasswiseVOCMetric', iou_thrs=[0.5],
                        eval_mode='area', prefix='voc'))
    # a: TP, FP, TP over 2 GT -> PR points (1, .5), (2/3, 1); area = .5*1 +
    # .5*(2/3) = 0.8333; b: FP then TP over 1 GT -> precision 0.5 at recall 1
    assert res['voc/AP50_a'] == pytest.approx(0.8333, abs=1e-4)
    assert res['voc/AP50_b'] == pytest.approx(0.5, abs=1e-4)
    assert res['voc/AP50'] == pytest.approx((0.8333 + 0.5) / 2, abs=1e-3)


def test_coco_ap50_equals_pycocotools(tmp_path):
    ann_file = coco_files(tmp_path)
    res = evaluate(dict(type='mmdet.CocoMetric', ann_file=ann_file,
                        metric='bbox', prefix='coco'))
    coco = COCO(ann_file)
    dets = [dict(image_id=i, category_id=lab + 1, score=s,
                 bbox=[b[0], b[1], b[2] - b[0], b[3] - b[1]])
            for i, b, s, lab in DETS]
    with contextlib.redirect_stdout(io.StringIO()):
        ev = COCOeval(coco, coco.loadRes(dets), 'bbox')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert res['coco/bbox_mAP_50'] == pytest.approx(round(ev.stats[1], 3))
    # 101-point interpolation by hand: a = (51 * 1 + 50 * 2/3) / 101, b = .5
    assert ev.stats[1] == pytest.approx(((51 + 50 * 2 / 3) / 101 + 0.5) / 2)


def test_test_tool_says_when_it_replaces_another_checkpoints_metrics(
        tmp_path, capsys):
    write_metrics = load_tool('test.py').write_metrics
    path = write_metrics(str(tmp_path), 'a.py', 'run1//iter_3000.pth',
                         {'voc/AP50': 0.5})
    write_metrics(str(tmp_path), 'a.py', 'run1/iter_3000.pth',
                  {'voc/AP50': 0.5})
    assert 'replacing' not in capsys.readouterr().out  # re-tests
    write_metrics(str(tmp_path), 'a.py', 'run2/iter_3000.pth',
                  {'voc/AP50': 0.6}, 0.5)
    assert 'replacing the metrics of run1/iter_3000.pth' in \
        capsys.readouterr().out
    saved = json.load(open(path))
    assert saved['checkpoint'] == 'run2/iter_3000.pth'
    assert saved['metrics'] == {'voc/AP50': 0.6}
    assert saved['nms_iou_thr'] == 0.5
