# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List, Sequence

import torch
import torch.nn as nn
from mmdet.structures import SampleList
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .base_pseudo_label_filter import BasePseudoLabelFilter


@TASK_UTILS.register_module()
class SequentialPseudoLabelFilter(BasePseudoLabelFilter):
    """Filters applied one after the other: each sees only the
    pseudo-instances that the ones before it kept, and a pseudo-instance is
    kept when every filter keeps it.

    The order matters for filters with state or quotas: a
    :class:`ClassFrequencyThresholdFilter` after a
    :class:`ClasswiseNMSFilter` sets its thresholds on the boxes left by
    the NMS. The filters' buffers are saved with the detector.

    Args:
        filters (Sequence[dict]): ``TASK_UTILS`` configs of the filters, in
            the order they apply.
    """

    def __init__(self, filters: Sequence[dict]):
        super().__init__()
        if not filters:
            raise ValueError('SequentialPseudoLabelFilter needs at least one '
                             'filter')
        self.filters = nn.ModuleList(TASK_UTILS.build(f) for f in filters)

    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        survivors = [
            torch.arange(len(inst), device=inst.scores.device)
            for inst in pseudo_instances
        ]
        for pl_filter in self.filters:
            masks = pl_filter.keep_masks(
                [inst[idx] for inst, idx in zip(pseudo_instances, survivors)],
                batch_inputs, batch_data_samples, progress)
            survivors = [idx[mask] for idx, mask in zip(survivors, masks)]
        masks = []
        for inst, idx in zip(pseudo_instances, survivors):
            mask = inst.scores.new_zeros(len(inst), dtype=torch.bool)
            mask[idx] = True
            masks.append(mask)
        return masks
