# The 40 % bound dsym-oracle-joint-pass-weak-student_*-lr2e-4_* (73.2) on
# the 20 % split: the true labels of the training pool as pseudo-labels,
# in one joint pass with the student on a weak view, from the published
# 20 % start. A bound, not a method: what the 20 % rows would reach with
# right and complete pseudo-labels.
_base_ = './dsym-oracle-joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

supervised_config = 'configs/yolov9/yolov9_t_1xb16-100e_neu-det-20pct.py'
model = dict(detector=_base_.neu_semi_finetune_published_detector[20])
# the unlabeled half stays the whole training pool with its labels
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.train_dataloader.dataset.datasets[0],
             ann_file='annotations/labeled_20.json'),
        _base_.train_dataloader.dataset.datasets[1]
    ]))
