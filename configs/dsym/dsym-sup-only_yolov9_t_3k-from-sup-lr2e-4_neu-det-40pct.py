# The supervised row of dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py:
# the same stage at learning rate 2e-4, both unlabeled losses off.
_base_ = './dsym-sup-only_yolov9_t_3k-from-sup_neu-det-40pct.py'

optim_wrapper = dict(optimizer=dict(lr=_base_.neu_semi_finetune_lr / 10))
