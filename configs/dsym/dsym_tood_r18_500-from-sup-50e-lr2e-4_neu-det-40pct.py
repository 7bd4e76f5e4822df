# DSYM-TOOD within the CPU budget: from the 50-epoch TOOD-R18 start, 500
# teacher-student iterations at 2e-4 (about the start's last learning rate,
# as in the YOLOv9 rows at 2e-4), eq. (2)'s ramp-up over the first 100.
# The start and this stage took 1 h 25 min on 2 cores (docs/dsym.md).
_base_ = './dsym_tood_r18_3k-from-sup_neu-det-40pct.py'

supervised_config = 'configs/tood/tood_r18_fpn_1xb16-50e_neu-det-40pct.py'
max_iters = 500
model = dict(
    detector=dict(
        init_cfg=dict(
            checkpoint='work_dirs/tood_r18_fpn_1xb16-50e_neu-det-40pct/'
            'epoch_50.pth')),
    semi_train_cfg=dict(rampup_iters=100))
optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_low_lr))
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    _base_.neu_semi_finetune_param_scheduler[0],
    dict(_base_.neu_semi_finetune_param_scheduler[1], end=max_iters)
]
# a kill loses at most 100 iterations (--resume)
default_hooks = dict(checkpoint=dict(interval=100))
