# The 20 % bound dsym-oracle-joint-pass-weak-student_*-20pct (true labels
# as pseudo-labels) with the published 20 % start's misses: per class, as
# many true boxes become pseudo-labels as the start's pseudo-labels find,
# a share more become ignored regions as its uncertain candidates do, and
# the rest is learnt as background (neu_semi_published_start_recall). Every
# pseudo-label is right. A diagnostic beside the false-positive row: which
# of a teacher's errors costs the 20 % rows the bound's gain.
_base_ = './dsym-oracle-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(
    semi_train_cfg=dict(
        ignore_score_thr=0.1,
        oracle=_base_.neu_semi_published_start_recall[20]))
