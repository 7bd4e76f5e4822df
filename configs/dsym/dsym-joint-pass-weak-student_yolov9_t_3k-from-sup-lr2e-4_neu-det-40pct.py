# The two changes that each gave back part of DSYM's cost at 2e-4, together:
# one joint student pass (dsym-joint-pass_*: 62.2 against DSYM's 60.6) and
# the student on a weak view (dsym-weak-student_*: 62.6). The
# supervised-only stage is 63.7 (docs/dsym.md, "One pass, and the weak view
# again").
_base_ = './dsym-joint-pass_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['weak']
             ])
    ]))
