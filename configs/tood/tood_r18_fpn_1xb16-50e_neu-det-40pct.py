# TOOD-R18 on 40 % of NEU-DET for 50 epochs instead of 100: the start of
# DSYM-TOOD within the CPU budget (this start and its DSYM stage together
# in about 2 hours on 2 cores; the 100-epoch run takes about 4 hours with
# both cores). Mosaic is off for the last 10 epochs, as in every run.
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
