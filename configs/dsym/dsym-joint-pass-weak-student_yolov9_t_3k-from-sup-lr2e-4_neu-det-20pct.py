# The 40 % row dsym-joint-pass-weak-student_*-lr2e-4_* (62.9 against its
# supervised-only 63.7; crazing and inclusion up, rolled-in scale and
# scratches down) on the 20 % split: one joint student pass, the student on
# a weak view.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py'

model = dict(semi_train_cfg=dict(student_pass='joint'))
train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['weak']
             ])
    ]))
