# The two changes of the joint weak-view row that each act on the
# pseudo-labels, together: the teacher's duplicates dropped by a class-wise
# NMS at IoU 0.5 (dsym-joint-pass-weak-student-pseudo-nms_*), and its
# dropped candidates that score 0.1 or more left out of the student's
# background (dsym-joint-pass-weak-student-ignore-uncertain_*: 64.8).
_base_ = './dsym-joint-pass-weak-student-pseudo-nms_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(ignore_score_thr=0.1))
