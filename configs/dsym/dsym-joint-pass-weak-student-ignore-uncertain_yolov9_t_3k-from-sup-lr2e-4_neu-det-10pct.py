# The best 20 % method row,
# dsym-joint-pass-weak-student-ignore-uncertain_*-lr2e-4_*-20pct, on the
# 10 % split: one joint student pass on a weak view, the teacher's dropped
# candidates that score 0.1 or more left out of the student's background.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-10pct.py'

model = dict(semi_train_cfg=dict(student_pass='joint', ignore_score_thr=0.1))
train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_unsup_load,
                 _base_.neu_semi_unsup_branches['weak']
             ])
    ]))
