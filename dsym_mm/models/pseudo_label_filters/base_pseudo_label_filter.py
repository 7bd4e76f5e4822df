# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from abc import ABCMeta, abstractmethod
from typing import List

import torch
import torch.nn as nn
from mmdet.structures import SampleList
from mmengine.structures import InstanceData


class BasePseudoLabelFilter(nn.Module, metaclass=ABCMeta):
    """Decides which of the teacher's pseudo-instances the student learns
    from (DSYM, Table 1 line 14 and eq. (20)).

    A filter sees the whole unlabeled batch: the pseudo-instances (in the
    teacher view's coordinates, with ``scores`` and ``labels``), the teacher's
    input images and data samples, and the training progress ``t / T``. It
    may keep state in buffers (saved in checkpoints with the detector).
    """

    @abstractmethod
    def keep_masks(self, pseudo_instances: List[InstanceData],
                   batch_inputs: torch.Tensor,
                   batch_data_samples: SampleList,
                   progress: float) -> List[torch.Tensor]:
        """One boolean mask per image over its pseudo-instances."""

    def forward(self, pseudo_instances: List[InstanceData],
                batch_inputs: torch.Tensor, batch_data_samples: SampleList,
                progress: float) -> List[InstanceData]:
        masks = self.keep_masks(pseudo_instances, batch_inputs,
                                batch_data_samples, progress)
        return [inst[mask] for inst, mask in zip(pseudo_instances, masks)]
