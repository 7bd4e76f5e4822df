# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Pseudo-label filters that drop duplicates and chain other filters."""
import pytest
import torch
from mmengine.structures import InstanceData

from dsym_mm.models.pseudo_label_filters import (ClassFrequencyThresholdFilter,
                                                 ClasswiseContainmentFilter,
                                                 ClasswiseNMSFilter,
                                                 SequentialPseudoLabelFilter)

NO_INPUTS = torch.zeros(1)


def instances(boxes, scores, labels):
    return InstanceData(bboxes=torch.tensor(boxes, dtype=torch.float),
                        scores=torch.tensor(scores),
                        labels=torch.tensor(labels))


def one_long_defect_twice():
    """A box (0), its duplicate of the same class at IoU 0.91 (1), the same
    place in another class (2), and a second defect (3)."""
    return instances(
        [[0, 0, 10, 10], [0, 0, 10, 11], [0, 0, 10, 10], [20, 20, 30, 30]],
        [0.9, 0.8, 0.7, 0.5], [0, 0, 1, 0])


@pytest.mark.parametrize('iou_threshold,kept', [
    (0.5, [True, False, True, True]),
    (0.95, [True, True, True, True]),
])
def test_class_wise_nms_drops_same_class_duplicates(iou_threshold, kept):
    empty = instances(torch.zeros(0, 4), [], [])
    masks = ClasswiseNMSFilter(iou_threshold).keep_masks(
        [one_long_defect_twice(), empty], NO_INPUTS, [], 0.)
    assert masks[0].tolist() == kept
    assert masks[1].dtype == torch.bool and masks[1].numel() == 0


def fragments_of_a_long_defect():
    """A long band (0); a fragment inside it at IoU 0.2 (1); the fragment's
    place in another class (2); a box reaching out of the band, 75 %
    inside it (3); a box 91 % inside the band but longer (4); a piece of
    that box's end, a third inside the band and two thirds inside box 3
    (5); a fragment scored above the band (6)."""
    return instances(
        [[0, 0, 100, 10], [10, 0, 30, 10], [10, 0, 30, 10], [85, 0, 105, 10],
         [0, 0, 110, 10], [95, 0, 110, 10], [40, 0, 50, 10]],
        [0.8, 0.7, 0.7, 0.6, 0.5, 0.4, 0.9], [0, 0, 1, 0, 0, 0, 0])


@pytest.mark.parametrize('min_inside,kept', [
    (0.8, [True, False, True, True, False, True, True]),
    # at 0.7 the box reaching out (75 % inside) goes too
    (0.7, [True, False, True, False, False, True, True]),
])
def test_class_wise_containment_drops_fragments_of_kept_boxes(
        min_inside, kept):
    """Only better-scored boxes of the same class that are kept themselves
    suppress a box: the end piece (5) lies wholly in the dropped box (4),
    so it stays."""
    empty = instances(torch.zeros(0, 4), [], [])
    masks = ClasswiseContainmentFilter(min_inside).keep_masks(
        [fragments_of_a_long_defect(), empty], NO_INPUTS, [], 0.)
    assert masks[0].tolist() == kept
    assert masks[1].dtype == torch.bool and masks[1].numel() == 0
    # the fragment scored above the band leaves the band alone: only the
    # lower-scored box's share counts
    assert masks[0][0]


def test_class_wise_containment_needs_a_share():
    with pytest.raises(ValueError, match='min_inside'):
        ClasswiseContainmentFilter(0.)


def test_sequential_filters_see_only_what_the_ones_before_kept():
    """Two boxes of class 0 per image are wanted: after the NMS the quota
    goes to the second defect (score 0.5) rather than the duplicate."""
    frequency = dict(type='mmdet.ClassFrequencyThresholdFilter',
                     boxes_per_image=[2.0, 2.0], min_thr=0.1, max_thr=0.9)
    alone = ClassFrequencyThresholdFilter([2.0, 2.0], min_thr=0.1,
                                          max_thr=0.9)
    (mask, ) = alone.keep_masks([one_long_defect_twice()], NO_INPUTS, [], 0.)
    assert mask.tolist() == [True, True, True, False]
    chained = SequentialPseudoLabelFilter(
        [dict(type='mmdet.ClasswiseNMSFilter', iou_threshold=0.5), frequency])
    (mask, ) = chained.keep_masks([one_long_defect_twice()], NO_INPUTS, [], 0.)
    assert mask.tolist() == [True, False, True, True]
    torch.testing.assert_close(chained.filters[1].thresholds,
                               torch.tensor([0.5, 0.7]))
    assert set(chained.state_dict()) == {'filters.1.thresholds',
                                         'filters.1.seen'}


def test_sequential_filter_needs_a_filter():
    with pytest.raises(ValueError, match='at least one filter'):
        SequentialPseudoLabelFilter([])
