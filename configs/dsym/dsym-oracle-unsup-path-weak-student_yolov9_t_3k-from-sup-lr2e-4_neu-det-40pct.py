# dsym-oracle-unsup-path_*-lr2e-4_* with the student on a weak view too
# (resize and flips, as the teacher's): true labels through DSYM's
# unlabeled path without its strong view. Beside the strong-view row it
# splits that path's cost between the strong view and the rest (separate
# loss, BN statistics kept from the labeled images, consistency loss).
_base_ = './dsym-oracle-unsup-path_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             pipeline=[
                 *_base_.neu_semi_oracle_load,
                 _base_.neu_semi_unsup_branches['weak']
             ])
    ]))
