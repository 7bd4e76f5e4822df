# The supervised row of dsym_tood_r18_3k-from-sup-lr2e-4_neu-det-40pct: the
# same stage (start, learning rate, iterations) with both unlabeled losses
# off.
_base_ = './dsym_tood_r18_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
