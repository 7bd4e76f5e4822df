# The 40 % bound dsym-oracle-joint-pass-weak-student_*-40pct (true labels
# as pseudo-labels) with the published 40 % start's misses, as
# dsym-oracle-recall-*-20pct does at 20 %: per class, as many true boxes
# become pseudo-labels as the start's pseudo-labels find, a share more
# become ignored regions as its uncertain candidates do, the rest is
# background. Every pseudo-label is right.
_base_ = './dsym-oracle-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(
        ignore_score_thr=0.1,
        oracle=_base_.neu_semi_published_start_recall[40]))
