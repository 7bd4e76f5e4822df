# Ablation row "supervised" for DSYM: the same 8000-iteration schedule,
# batches (8 labeled images each), burn-in and EMA teacher, with both
# unlabeled losses off (DSYM then skips the unlabeled branches).
_base_ = '../dsym_neu_40pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0., consistency_weight=0.))
