_base_ = '../dsym_neu_20pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
