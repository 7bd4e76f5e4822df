# Both of a teacher's errors on the 20 % bound: the published start's
# misses (dsym-oracle-recall-*) and the EMA teacher's false positives
# (dsym-oracle-false-positives-*). If the two model the teacher's errors,
# this row lands where the pseudo-labels do
# (dsym-joint-pass-weak-student-ignore-uncertain_*-20pct).
_base_ = './dsym-oracle-false-positives-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(
    semi_train_cfg=dict(
        oracle=dict(_base_.neu_semi_published_start_recall[20])))
