# The 40 % bound dsym-oracle-joint-pass-weak-student_*-40pct (true labels
# as pseudo-labels) with the teacher's false positives, as
# dsym-oracle-false-positives-*-20pct does at 20 %: the EMA teacher's picks
# through the 40 % rows' filter that match no true box of their class
# (IoU 0.5) join the true boxes, its uncertain candidates off the true
# boxes are ignored. Nothing is missed.
_base_ = './dsym-oracle-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=_base_.neu_semi_oracle_false_positives[40])
