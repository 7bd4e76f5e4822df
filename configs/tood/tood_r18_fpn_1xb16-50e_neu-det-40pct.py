# TOOD-R18 on 40 % of NEU-DET for 50 epochs instead of 100: the start of
# DSYM-TOOD within the CPU budget (53 minutes on 2 cores, and its DSYM
# stage 29 more, on 2026-12-05; docs/dsym.md, "DSYM-TOOD within the CPU
# budget"). Mosaic is off for the last 10 epochs, as in every run.
_base_ = './tood_r18_fpn_1xb16-100e_neu-det-40pct.py'

max_epochs = 50
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(param_scheduler=dict(max_epochs=max_epochs))
# the base's hooks, its last one (the pipeline switch) moved to this
# schedule's end
custom_hooks = _base_.custom_hooks[:-1] + [
    dict(_base_.custom_hooks[-1],
         switch_epoch=max_epochs - _base_.neu_close_mosaic_epochs)
]
