# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmdet.structures import SampleList
from mmdet.structures.bbox import bbox_overlaps
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .base_pseudo_label_filter import BasePseudoLabelFilter


@TASK_UTILS.register_module()
class ClasswiseContainmentFilter(BasePseudoLabelFilter):
    """Drops the teacher's fragments: a box whose area lies at least
    ``min_inside`` within a better-scored kept box of its class.

    IoU-based suppression (:class:`ClasswiseNMSFilter`) keeps a short box on
    a long scratch or rolled-in scale band, since the two overlap by their
    area ratio only; yet a pseudo-label on that fragment teaches the student
    a second, wrong extent of the same defect. Here overlap is measured as
    the intersection over the *lower-scored* box's area, greedily from the
    best score down (only kept boxes suppress). Put it before a quota filter
    in a :class:`SequentialPseudoLabelFilter`, as the NMS.

    Args:
        min_inside (float): a box this share of whose area lies in a
            better-scored kept box of its class is dropped.
    """

    def __init__(self, min_inside: float = 0.8):
        super().__init__()
        if not 0 < min_inside <= 1:
            raise ValueError(
                f'min_inside must be in (0, 1], got {min_inside}')
        self.min_inside = min_inside

    def keep_mask(self, inst: InstanceData) -> torch.Tensor:
        """Mask over one image's pseudo-instances."""
        order = inst.scores.argsort(descending=True)
        labels = inst.labels[order]
        # inside[i, j]: share of box i's area within box j (both by rank)
        inside = bbox_overlaps(
            inst.bboxes[order], inst.bboxes[order], mode='iof')
        contained = ((inside >= self.min_inside)
                     & (labels[:, None] == labels[None])).tolist()
        kept_ranks: List[int] = []
        for i in range(len(order)):
            if not any(contained[i][j] for j in kept_ranks):
                kept_ranks.append(i)
        mask = inst.scores.new_zeros(len(inst), dtype=torch.bool)
        mask[order[kept_ranks]] = True
        return mask

    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        return [self.keep_mask(inst) for inst in pseudo_instances]
