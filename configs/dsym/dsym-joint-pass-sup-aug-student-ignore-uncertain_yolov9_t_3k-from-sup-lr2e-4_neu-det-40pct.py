# The two best pseudo-label rows together: the student's view augmented
# as the labeled images are (dsym-joint-pass-sup-aug-student_*: 63.1, its
# rolled-in scale nearest the supervised-only stage's) and the teacher's
# dropped candidates that score 0.1 or more left out of the student's
# background (dsym-joint-pass-weak-student-ignore-uncertain_*: 64.8, its
# scratches back).
_base_ = './dsym-joint-pass-sup-aug-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(ignore_score_thr=0.1))
