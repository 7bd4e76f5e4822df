# DSYM at 2e-4 with the student's two halves of each batch in one pass and
# one loss (semi_train_cfg.student_pass='joint', DSYM.loss_by_joint_batch):
# the pseudo-labeled strong views join the labeled images as the
# oracle-labels row's true labels do, with BN statistics of the whole
# batch, instead of MMDetection's separate pass over them. The true labels
# gain 1.7 that way (65.4) and lose 1.9 through the separate path (61.8;
# docs/dsym.md, "True labels through DSYM's unlabeled path").
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(semi_train_cfg=dict(student_pass='joint'))
