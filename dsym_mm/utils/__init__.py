# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .checkpoint_safety import (
                                checkpoint_safe_globals,
                                enable_safe_checkpoint_loading,
)

__all__ = ['checkpoint_safe_globals', 'enable_safe_checkpoint_loading']
