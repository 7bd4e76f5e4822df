# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""dsym_mm.models.utils.box_fusion: grouping and fusing views by hand."""
import torch
from mmengine.structures import InstanceData

from dsym_mm.models.utils import fuse_views, overlap_groups


def instances(bboxes, labels, scores):
    return InstanceData(
        bboxes=torch.tensor(bboxes, dtype=torch.float32).view(-1, 4),
        labels=torch.tensor(labels, dtype=torch.long),
        scores=torch.tensor(scores, dtype=torch.float32))


def test_overlap_groups_chain_boxes_of_a_class():
    boxes = torch.tensor([
        [12., 0., 22., 10.],  # overlaps the third (IoU 3/17), not the second
        [0., 0., 10., 10.],
        [5., 0., 15., 10.],  # IoU 1/3 with the second
        [0., 0., 10., 10.],  # the second's box, another class
    ])
    labels = torch.tensor([0, 0, 0, 1])
    assert overlap_groups(boxes, labels, 0.).tolist() == [0, 0, 0, 3]
    assert overlap_groups(boxes, labels, 0.2).tolist() == [0, 1, 1, 3]
    alone = torch.tensor([True, True, False, True])
    assert overlap_groups(boxes, labels, 0.,
                          linkable=alone).tolist() == [0, 1, 2, 3]


def test_fuse_views_scores_agreement_and_averages_boxes():
    view_a = instances([[10, 20, 30, 40], [0, 0, 5, 5]], [2, 1], [0.9, 0.6])
    view_b = instances([[10, 23, 30, 40], [0, 0, 5, 5], [60, 60, 70, 70]],
                       [2, 0, 1], [0.8, 0.4, 0.5])
    fused = fuse_views([view_a, view_b], iou_thr=0.55)
    assert fused.labels.tolist() == [2, 1, 0, 1]
    # both views find the class-2 box: mean of 0.9 and 0.8; the others are
    # found by one view of two and score half
    torch.testing.assert_close(fused.scores,
                               torch.tensor([0.85, 0.3, 0.2, 0.25]))
    y1 = (0.9 * 20 + 0.8 * 23) / 1.7
    torch.testing.assert_close(fused.bboxes[0],
                               torch.tensor([10., y1, 30., 40.]))
    torch.testing.assert_close(fused.bboxes[1:], view_a.bboxes[1:].new_tensor(
        [[0, 0, 5, 5], [0, 0, 5, 5], [60, 60, 70, 70]]))
    # a stricter IoU than the pair's 0.85 keeps them apart
    assert len(fuse_views([view_a, view_b], iou_thr=0.9)) == 5


def test_fuse_views_counts_a_view_once_per_group():
    """Two boxes of one view in a group count as that view's best one."""
    view_a = instances([[0, 0, 10, 10], [0, 0, 10, 11]], [0, 0], [0.6, 0.2])
    view_b = instances([[0, 0, 10, 10]], [0], [1.0])
    fused = fuse_views([view_a, view_b], iou_thr=0.5)
    torch.testing.assert_close(fused.scores, torch.tensor([0.8]))
    torch.testing.assert_close(
        fused.bboxes, torch.tensor([[0., 0., 10., 10. + 0.2 / 1.8]]))


def test_fuse_views_without_detections():
    empty = instances([], [], [])
    assert len(fuse_views([empty, empty], iou_thr=0.5)) == 0
    one = instances([[0, 0, 4, 4]], [3], [0.5])
    fused = fuse_views([empty, one], iou_thr=0.5)
    assert fused.labels.tolist() == [3]
    torch.testing.assert_close(fused.scores, torch.tensor([0.25]))
