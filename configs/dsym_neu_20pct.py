# DSYM on NEU-DET with 20 % of the labels (YOLOv9-t).
_base_ = './dsym_neu_40pct.py'

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.neu_semi_labeled, ann_file='annotations/labeled_20.json'),
        dict(_base_.neu_semi_unlabeled,
             ann_file='annotations/unlabeled_20.json')
    ]))
model = dict(
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[20])))
