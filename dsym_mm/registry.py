# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""dsym_mm registers into MMYOLO's registries (children of MMDetection's),
so its modules are found with ``default_scope='mmyolo'`` and, from MMDet
configs, as ``mmyolo.<Name>``. It keeps no registry of its own."""
from mmyolo.registry import (
                             DATASETS,
                             HOOKS,
                             METRICS,
                             MODELS,
                             TASK_UTILS,
                             TRANSFORMS,
)

__all__ = [
    'DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'TASK_UTILS', 'TRANSFORMS'
]
