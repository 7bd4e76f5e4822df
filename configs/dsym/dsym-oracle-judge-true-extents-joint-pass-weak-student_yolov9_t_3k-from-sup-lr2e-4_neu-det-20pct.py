# dsym-oracle-judge-true-extents-*-40pct at 20 %: the 20 % judge's hits,
# each moved to the annotation it hits.
_base_ = './dsym-oracle-judge-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(oracle=dict(hit_extents='annotation')))
