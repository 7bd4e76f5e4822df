# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""dsym_mm.models.utils.box_fusion: fusing two views by hand."""
import torch
from mmengine.structures import InstanceData

from dsym_mm.models.utils import fuse_two_views


def instances(bboxes, labels, scores):
    return InstanceData(
        bboxes=torch.tensor(bboxes, dtype=torch.float32).view(-1, 4),
        labels=torch.tensor(labels, dtype=torch.long),
        scores=torch.tensor(scores, dtype=torch.float32))


def test_fuse_two_views_scores_agreement_and_averages_boxes():
    view_a = instances([[10, 20, 30, 40], [0, 0, 5, 5]], [2, 1], [0.9, 0.6])
    view_b = instances([[10, 23, 30, 40], [0, 0, 5, 5], [60, 60, 70, 70]],
                       [2, 0, 1], [0.8, 0.4, 0.5])
    fused = fuse_two_views(view_a, view_b, iou_thr=0.55)
    # the pair first, then the first view's lone boxes, then the second's
    assert fused.labels.tolist() == [2, 1, 0, 1]
    # both views find the class-2 box: mean of 0.9 and 0.8; the others are
    # found by one view of two (the class-0 box is not the class-1 box's
    # partner) and score half
    torch.testing.assert_close(fused.scores,
                               torch.tensor([0.85, 0.3, 0.2, 0.25]))
    y1 = (0.9 * 20 + 0.8 * 23) / 1.7
    torch.testing.assert_close(fused.bboxes[0],
                               torch.tensor([10., y1, 30., 40.]))
    torch.testing.assert_close(fused.bboxes[1:], view_a.bboxes.new_tensor(
        [[0, 0, 5, 5], [0, 0, 5, 5], [60, 60, 70, 70]]))
    # a stricter IoU than the pair's 0.85 keeps them apart
    apart = fuse_two_views(view_a, view_b, iou_thr=0.9)
    assert len(apart) == 5 and apart.scores.max() == 0.45


def test_fuse_two_views_pairs_one_to_one():
    """A defect with a low-scoring neighbour on the first view and one box
    on the second: the box pairs with its best overlap only; the neighbour
    stays alone at half its score instead of widening the fused box."""
    view_a = instances([[0, 0, 10, 10], [0, 0, 10, 14]], [0, 0], [0.6, 0.2])
    view_b = instances([[0, 0, 10, 10]], [0], [1.0])
    fused = fuse_two_views(view_a, view_b, iou_thr=0.5)
    torch.testing.assert_close(fused.scores, torch.tensor([0.8, 0.1]))
    torch.testing.assert_close(
        fused.bboxes, torch.tensor([[0., 0., 10., 10.], [0., 0., 10., 14.]]))
    # the pairing is symmetric
    swapped = fuse_two_views(view_b, view_a, iou_thr=0.5)
    torch.testing.assert_close(swapped.scores, fused.scores)
    torch.testing.assert_close(swapped.bboxes, fused.bboxes)


def test_fuse_two_views_without_detections():
    empty = instances([], [], [])
    assert len(fuse_two_views(empty, empty, iou_thr=0.5)) == 0
    one = instances([[0, 0, 4, 4]], [3], [0.5])
    for fused in (fuse_two_views(empty, one, iou_thr=0.5),
                  fuse_two_views(one, empty, iou_thr=0.5)):
        assert fused.labels.tolist() == [3]
        torch.testing.assert_close(fused.scores, torch.tensor([0.25]))
        torch.testing.assert_close(fused.bboxes, one.bboxes)
