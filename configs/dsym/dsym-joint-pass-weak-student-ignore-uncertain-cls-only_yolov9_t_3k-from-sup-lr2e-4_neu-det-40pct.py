# dsym-joint-pass-weak-student-ignore-uncertain_*-40pct (68.2) whose
# pseudo-labels teach their classes and not their extents: box weight 0 in
# the joint pass's box and DFL losses (the labeled boxes keep weight 1).
# At 40 % the extents of the teacher's correct pseudo-boxes cost 2.6
# points (docs/dsym.md, "What the judge's hits lose: their extents"); the
# separate pass's classification-only row is dsym-cls-only_*-lr2e-4_*.
_base_ = './dsym-joint-pass-weak-student-ignore-uncertain_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    detector=dict(
        train_cfg=dict(
            assigner=dict(type='ScoreWeightedTaskAlignedAssigner'))),
    semi_train_cfg=dict(pseudo_box_weight=0.))
