# True labels through DSYM's unlabeled path with both changes of
# dsym-joint-pass-weak-student_*: the weak view and one joint student pass.
# Beside the oracle-labels row (65.4: the same labels as labeled images,
# with the labeled branch's augmentation and loss) it measures what is left
# of the unlabeled path's cost once the pass is shared; beside
# dsym-joint-pass-weak-student_* it measures the teacher's label errors
# (docs/dsym.md, "True labels in one pass, and the labeled images'
# augmentation").
_base_ = './dsym-oracle-unsup-path-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(student_pass='joint'))
