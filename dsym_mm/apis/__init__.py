# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .checkpoint_check import CheckpointMismatchError, check_checkpoint_matches
from .config_loading import (
                             add_runner_args,
                             build_runner,
                             evaluation_nms_cfg,
                             load_config,
                             parse_runner_args,
                             predicting_model_cfg,
)

__all__ = [
    'CheckpointMismatchError', 'add_runner_args', 'build_runner',
    'check_checkpoint_matches', 'evaluation_nms_cfg', 'load_config',
    'parse_runner_args', 'predicting_model_cfg'
]
