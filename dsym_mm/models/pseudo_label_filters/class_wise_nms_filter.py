# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmcv.ops import batched_nms
from mmdet.structures import SampleList
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .base_pseudo_label_filter import BasePseudoLabelFilter


@TASK_UTILS.register_module()
class ClasswiseNMSFilter(BasePseudoLabelFilter):
    """Drops the teacher's duplicate boxes: class-wise non-maximum
    suppression at ``iou_threshold`` over each image's pseudo-instances.

    The teacher's detections come out of the detector's test-time NMS
    (IoU 0.7 for the YOLO heads), which leaves several boxes on one long
    defect; each would become a pseudo-label of its own. A stricter NMS
    for the pseudo-labels alone keeps the detector's evaluation as it is.
    Put it first in a :class:`SequentialPseudoLabelFilter`, so that a
    filter that keeps a number of boxes per class counts no duplicates.

    Args:
        iou_threshold (float): a box overlapping a better-scored box of its
            class by more than this is dropped.
    """

    def __init__(self, iou_threshold: float = 0.5):
        super().__init__()
        assert 0 < iou_threshold <= 1
        self.iou_threshold = iou_threshold

    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        masks = []
        for inst in pseudo_instances:
            mask = inst.scores.new_zeros(len(inst), dtype=torch.bool)
            if len(inst):
                _, keep = batched_nms(
                    inst.bboxes, inst.scores, inst.labels,
                    dict(type='nms', iou_threshold=self.iou_threshold))
                mask[keep] = True
            masks.append(mask)
        return masks
