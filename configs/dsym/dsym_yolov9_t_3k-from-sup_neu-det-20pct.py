# dsym_yolov9_t_3k-from-sup_neu-det-40pct.py on the 20 % split: from the
# supervised YOLOv9-t of the same split (supervised_config).
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

supervised_config = 'configs/yolov9/yolov9_t_1xb16-100e_neu-det-20pct.py'
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.train_dataloader.dataset.datasets[0],
             ann_file='annotations/labeled_20.json'),
        dict(_base_.train_dataloader.dataset.datasets[1],
             ann_file='annotations/unlabeled_20.json')
    ]))
model = dict(
    detector=dict(
        init_cfg=dict(checkpoint='work_dirs/yolov9_t_1xb16-100e_neu-det-'
                      '20pct/epoch_100.pth')),
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[20])))
