# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .config_loading import load_config
from .checkpoint_check import check_checkpoint_matches

__all__ = ['load_config', 'check_checkpoint_matches']
