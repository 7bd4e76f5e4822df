# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""dsym_mm: DSYM semi-supervised defect detection for MMDetection/MMYOLO.

Importing the package (``custom_imports=dict(imports=['dsym_mm'])``)
registers its modules in MMYOLO's registries and allow-lists MMEngine's
checkpoint types for ``torch.load(weights_only=True)``.
"""
from .utils import enable_safe_checkpoint_loading
from .version import __version__

enable_safe_checkpoint_loading()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
