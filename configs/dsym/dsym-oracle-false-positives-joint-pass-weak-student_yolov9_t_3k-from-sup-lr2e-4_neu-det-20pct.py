# The 20 % bound dsym-oracle-joint-pass-weak-student_*-20pct (true labels
# as pseudo-labels) with the teacher's false positives: the EMA teacher
# predicts and the 20 % rows' filter picks as in
# dsym-joint-pass-weak-student-ignore-uncertain_*-20pct; the picks that
# match no true box of their class (IoU 0.5) join the true boxes, its
# uncertain candidates off the true boxes are ignored. Nothing is missed.
# A diagnostic beside the recall row: which of a teacher's errors costs
# the 20 % rows the bound's gain.
_base_ = './dsym-oracle-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(semi_train_cfg=_base_.neu_semi_oracle_false_positives[20])
