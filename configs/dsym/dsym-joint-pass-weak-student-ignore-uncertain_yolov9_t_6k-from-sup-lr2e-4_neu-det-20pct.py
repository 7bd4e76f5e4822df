# The row of the 3k config below twice as long: 6000 iterations, the
# learning rate's decay stretched to their end, all else as in the 3k row
# (docs/dsym.md, "A stage twice as long").
_base_ = './dsym-joint-pass-weak-student-ignore-uncertain_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

train_cfg = dict(max_iters=_base_.neu_semi_finetune_long_max_iters)
param_scheduler = _base_.neu_semi_finetune_long_param_scheduler
