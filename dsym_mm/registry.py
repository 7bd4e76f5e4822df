# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""dsym_mm keeps no registry of its own.

* Detector-agnostic parts (the DSYM detector, its hooks and pseudo-label
  filters, metrics) register in MMDetection's registries: ``<Name>`` in
  configs with ``default_scope='mmdet'``, ``mmdet.<Name>`` in MMYOLO ones.
* YOLO parts (GELAN blocks, YOLOv9 backbone, neck and heads, the
  score-weighted task-aligned assigner, a YOLO transform) register in
  MMYOLO's registries: ``<Name>`` with ``default_scope='mmyolo'``,
  ``mmyolo.<Name>`` from an MMDet config.

(MMYOLO's registries are siblings of MMDetection's under MMEngine's roots,
not children, so a name crosses scopes only with its prefix.)
"""
from mmdet.registry import HOOKS, METRICS, MODELS, TASK_UTILS
from mmyolo.registry import MODELS as YOLO_MODELS
from mmyolo.registry import TASK_UTILS as YOLO_TASK_UTILS
from mmyolo.registry import TRANSFORMS as YOLO_TRANSFORMS

__all__ = [
    'HOOKS', 'METRICS', 'MODELS', 'TASK_UTILS', 'YOLO_MODELS',
    'YOLO_TASK_UTILS', 'YOLO_TRANSFORMS'
]
