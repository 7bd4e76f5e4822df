# A perfect judge of the 40 % rows' pseudo-labels: the EMA teacher predicts
# and the rows' filter picks as in dsym-joint-pass-weak-student-ignore-
# uncertain_*-40pct, and of the picks only the hits on the true boxes stay,
# at the teacher's extents; its other picks and uncertain candidates
# (score 0.1 or more) are ignored. Missed defects stay missed. The most a
# filter that only drops boxes (the CLIP filter's kind) could give here.
_base_ = './dsym-oracle-false-positives-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    semi_train_cfg=dict(oracle=dict(_delete_=True, teacher_hits_only=True)))
