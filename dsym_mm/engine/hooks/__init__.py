# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from .burn_in_mean_teacher_hook import BurnInMeanTeacherHook
from .channels_last_hook import (ChannelsLastHook, to_channels_last,
                                 trains_channels_last)

__all__ = [
    'BurnInMeanTeacherHook', 'ChannelsLastHook', 'to_channels_last',
    'trains_channels_last'
]
