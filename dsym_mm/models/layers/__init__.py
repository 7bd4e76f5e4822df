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

__all__ = [
    'ELAN1', 'SPPELAN', 'ADown', 'AConv', 'RepNBottleneck', 'RepNCSP',
    'RepNCSPELAN4'
]
