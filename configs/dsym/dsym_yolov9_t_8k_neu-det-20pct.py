# DSYM from scratch (8000 iterations with burn-in), 20 % of NEU-DET labeled.
_base_ = './dsym_yolov9_t_8k_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.train_dataloader.dataset.datasets[0],
             ann_file='annotations/labeled_20.json'),
        dict(_base_.train_dataloader.dataset.datasets[1],
             ann_file='annotations/unlabeled_20.json')
    ]))
model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[20])))
