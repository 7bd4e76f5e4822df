# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .backbones import *  # noqa: F401,F403
from .dense_heads import *  # noqa: F401,F403
from .detectors import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .pseudo_label_filters import *  # noqa: F401,F403
from .task_modules import *  # noqa: F401,F403
