# DSYM 40 % at lr 2e-4 with soft pseudo-labels: each kept pseudo-box's
# targets are scaled by the teacher's confidence in it
# (ScoreWeightedTaskAlignedAssigner), so a box the teacher scores 0.4
# teaches the student 0.4 at most instead of a sure label. The teacher's
# kept boxes are about 60 % right (docs/dsym.md, "The stage at 2e-4"), and
# as sure labels they cost the stage its points ("The loss split at 2e-4").
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    detector=dict(
        train_cfg=dict(
            assigner=dict(type='ScoreWeightedTaskAlignedAssigner'))),
    semi_train_cfg=dict(score_weighted_pseudo_labels=True))
