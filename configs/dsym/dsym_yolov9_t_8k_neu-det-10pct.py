# DSYM from scratch (8000 iterations with burn-in), 10 % of NEU-DET labeled.
_base_ = './dsym_yolov9_t_8k_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.train_dataloader.dataset.datasets[0],
             ann_file='annotations/labeled_10.json'),
        dict(_base_.train_dataloader.dataset.datasets[1],
             ann_file='annotations/unlabeled_10.json')
    ]))
model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[10])))
