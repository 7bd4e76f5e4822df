# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
from typing import Optional

from mmdet.engine.hooks import MeanTeacherHook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from dsym_mm.registry import HOOKS


@HOOKS.register_module()
class BurnInMeanTeacherHook(MeanTeacherHook):
    """MMDetection's ``MeanTeacherHook`` with DSYM's staged schedule.

    Until the detector's ``semi_train_cfg.burn_in_iters`` the teacher is not
    used; at the end of the last burn-in iteration it becomes a copy of the
    student (Table 1 line 10), and from then on it is their exponential
    moving average, every ``interval`` iterations (eq. (3))::

        teacher = (1 - momentum) * teacher + momentum * student

    MMDetection's ``momentum`` is the paper's ``1 - alpha`` (``momentum``
    0.001 is ``alpha`` 0.999). BN running statistics are averaged too
    (``skip_buffer=False``): a teacher that keeps its initial statistics
    predicts with wrong normalisation.
    """

    def __init__(self,
                 momentum: float = 0.001,
                 interval: int = 1,
                 skip_buffer: bool = False) -> None:
        super().__init__(
            momentum=momentum, interval=interval, skip_buffer=skip_buffer)

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        burn_in = model.semi_train_cfg.get('burn_in_iters', 0)
        done = runner.iter + 1
        if done < burn_in:
            return
        if done == burn_in:
            self.momentum_update(model, 1.)
            return
        super().after_train_iter(runner, batch_idx, data_batch, outputs)
