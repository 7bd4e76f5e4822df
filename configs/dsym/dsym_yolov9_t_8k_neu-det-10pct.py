# DSYM from scratch (8000 iterations with burn-in), 10 % of NEU-DET labeled.
_base_ = './dsym_yolov9_t_8k_neu-det-40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=_base_.neu_semi_split_datasets[10]))
model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[10])))
