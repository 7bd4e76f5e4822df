# dsym-oracle-judge-*-40pct at 20 %: the 20 % rows' filter picks from the
# EMA teacher's detections, and only its hits on the true boxes are taught.
_base_ = './dsym-oracle-false-positives-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(
    semi_train_cfg=dict(oracle=dict(_delete_=True, teacher_hits_only=True)))
