# The two changes to dsym-joint-pass-weak-student_*-lr2e-4_* (62.9)
# together: the teacher's duplicates dropped by class-wise NMS at 0.5
# (dsym-joint-pass-weak-student-pseudo-nms_*: 63.6) and its dropped
# candidates that score 0.1 or more, duplicates included, left out of the
# student's background (dsym-joint-pass-weak-student-ignore-uncertain_*:
# 64.8).
_base_ = './dsym-joint-pass-weak-student-pseudo-nms_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(ignore_score_thr=0.1))
