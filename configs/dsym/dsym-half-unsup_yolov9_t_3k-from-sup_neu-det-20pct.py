# dsym_yolov9_t_3k-from-sup_neu-det-20pct.py with the pseudo-label losses at
# half weight: they pull about twice as hard as the labeled losses at this
# start (docs/dsym.md, "How hard each loss pulls"); eq. (3) otherwise as is.
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(unsup_weight=0.5))
