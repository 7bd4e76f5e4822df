# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import List

import torch
from mmdet.structures import SampleList
from mmdet.structures.bbox import get_box_tensor
from mmengine.structures import InstanceData

from dsym_mm.registry import MODELS

from .dsym import DSYM


@MODELS.register_module()
class OracleLabelDSYM(DSYM):
    """A diagnostic, not a method: :class:`DSYM` whose teacher "detects"
    the annotations of its view, each with score 1.

    Everything after the teacher's detections is DSYM's own path: the
    ``pseudo_label_filter``, the projection to the student's (strong) view,
    the student's separate pass and loss on the unlabeled half of the
    batch, its BN handling, the consistency loss (eq. (2)) and the ramp.
    Beside a run in which the same true labels go through the labeled
    pipeline instead, it tells whether that path costs accuracy when the
    pseudo-labels are right and complete. Its unlabeled dataset must load
    annotations (``mmdet.LoadAnnotations``, not ``LoadEmptyAnnotations``);
    a DSYM config never does.
    """

    @torch.no_grad()
    def teacher_predict(self, batch_inputs: torch.Tensor,
                        batch_data_samples: SampleList) -> List[InstanceData]:
        """The teacher view's annotations, in the view's pixels."""
        detections = []
        for data_sample in batch_data_samples:
            gt = data_sample.get('gt_instances')
            if gt is None or 'bboxes' not in gt:
                raise ValueError(
                    f'{type(self).__name__} reads the annotations of the '
                    'unlabeled images, and the teacher view of '
                    f'{data_sample.get("img_path", "an image")} has none: '
                    'load them with mmdet.LoadAnnotations in the unlabeled '
                    'pipeline')
            bboxes = get_box_tensor(gt.bboxes).float()
            detections.append(
                InstanceData(
                    bboxes=bboxes,
                    labels=gt.labels,
                    scores=bboxes.new_ones(len(bboxes))))
        return detections
