# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .dsym import DSYM

__all__ = ['DSYM']
