# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .hooks import *  # noqa: F401,F403
