# The ceiling of pseudo-labelling in the lr-2e-4 stage from the published
# start: the unlabeled half of each batch comes with its true labels.
# Each batch holds 8 images of the 40 % labeled split and 8 of the whole
# training pool (labeled_100, annotations read), all through the labeled
# pipeline; no teacher, strong view or consistency loss (the unlabeled
# branches only carry copies of the labeled view, which the
# data preprocessor needs and the supervised-only stage never reads).
# This is DSYM with pseudo-labels that are all right and complete; it shows
# how much the stage can gain from the unlabeled images at most. It is a
# diagnostic: a DSYM config never reads these labels. Measured: 65.4,
# against 63.7 for the supervised-only stage (docs/dsym.md, "What the
# unlabeled images give at 2e-4").
_base_ = './dsym-sup-only_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

neu_semi_labeled_40 = _base_.train_dataloader.dataset.datasets[0]
neu_semi_branch_sup = neu_semi_labeled_40['pipeline'][-1]
train_dataloader = dict(
    dataset=dict(datasets=[
        neu_semi_labeled_40,
        dict(
            neu_semi_labeled_40,
            ann_file='annotations/labeled_100.json',
            pipeline=[
                *neu_semi_labeled_40['pipeline'][:-1],
                dict(
                    neu_semi_branch_sup,
                    unsup_teacher=neu_semi_branch_sup['sup'],
                    unsup_student=neu_semi_branch_sup['sup'])
            ])
    ]))
