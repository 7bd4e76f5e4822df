# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .gelan_blocks import (
                           ELAN1,
                           SPPELAN,
                           AConv,
                           ADown,
                           RepNBottleneck,
                           RepNCSP,
                           RepNCSPELAN4,
)
from .mamba_block import MambaBlock2d
from .selective_scan import mamba_ssm_available, selective_scan

__all__ = [
    'ELAN1', 'SPPELAN', 'ADown', 'AConv', 'RepNBottleneck', 'RepNCSP',
    'RepNCSPELAN4', 'MambaBlock2d', 'selective_scan', 'mamba_ssm_available'
]
