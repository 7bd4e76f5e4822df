# DSYM-TOOD from the 100-epoch TOOD-R18 start at the YOLOv9 rows' stage:
# 3000 teacher-student iterations at 2e-4 (about the start's last learning
# rate), against its supervised-only row
# dsym-sup-only_tood_r18_3k-from-sup-lr2e-4_neu-det-40pct.py. At about
# 3.5 s per iteration the stage spans two sessions: a kill loses at most
# 250 iterations (--resume).
_base_ = './dsym_tood_r18_3k-from-sup_neu-det-40pct.py'

optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_low_lr))
default_hooks = dict(checkpoint=dict(interval=250))
