# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .dsym import DSYM
from .oracle_label_dsym import OracleLabelDSYM

__all__ = ['DSYM', 'OracleLabelDSYM']
