# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmdet.structures import SampleList
from mmengine.structures import InstanceData

from dsym_mm.registry import TASK_UTILS

from .base_pseudo_label_filter import BasePseudoLabelFilter


@TASK_UTILS.register_module()
class ScoreThresholdFilter(BasePseudoLabelFilter):
    """Keep a pseudo-instance when the teacher's confidence exceeds
    ``score_thr`` (``C_teacher > tau_conf`` in DSYM eq. (20))."""

    def __init__(self, score_thr: float = 0.5):
        super().__init__()
        self.score_thr = score_thr

    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        return [inst.scores > self.score_thr for inst in pseudo_instances]
