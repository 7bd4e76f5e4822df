# The supervised row of dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-10pct.py:
# the same stage (start, learning rate 2e-4) with both unlabeled losses off.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-10pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
