# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from dsym_mm.registry import HOOKS


def to_channels_last(model: nn.Module) -> nn.Module:
    """Store the 4-D parameters and buffers of ``model`` (convolution
    weights) in ``torch.channels_last`` order, in place: the tensors keep
    their identity (an optimizer built on them stays valid) and their
    values."""
    return model.to(memory_format=torch.channels_last)


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Run the model's convolutions in NHWC (``channels_last``) order.

    On the CPU, oneDNN's convolutions are faster on NHWC tensors than on
    PyTorch's default NCHW: with the convolution weights in that order, each
    convolution returns NHWC activations and the whole network stays in it
    (measured in docs/benchmarks.md, "Memory format"). The values are those
    of the default layout up to float rounding; checkpoints load into a
    model of either layout.

    The conversion happens once, in ``before_run``, before the weights are
    initialised or loaded (loading copies into the converted tensors) and,
    with its high priority, before :class:`mmengine.hooks.EMAHook` copies
    the model, so that copy is converted too. A DSYM detector's teacher and
    student are both converted.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner: Runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        to_channels_last(model)


def trains_channels_last(cfg) -> bool:
    """Whether a config's runner converts its model (a ChannelsLastHook in
    ``custom_hooks``): tools that build the model themselves, such as the
    benchmarks, follow it."""
    return any(h['type'].split('.')[-1] == ChannelsLastHook.__name__
               for h in cfg.get('custom_hooks', []))
