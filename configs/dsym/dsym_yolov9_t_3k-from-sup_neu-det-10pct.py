# dsym_yolov9_t_3k-from-sup_neu-det-40pct.py on the 10 % split: from the
# supervised YOLOv9-t of the same split (supervised_config).
_base_ = './dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'

supervised_config = 'configs/yolov9/yolov9_t_1xb16-100e_neu-det-10pct.py'
train_dataloader = dict(
    dataset=dict(datasets=_base_.neu_semi_finetune_split_datasets[10]))
model = dict(
    detector=dict(
        init_cfg=dict(checkpoint='work_dirs/yolov9_t_1xb16-100e_neu-det-'
                      '10pct/epoch_100.pth')),
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            boxes_per_image=_base_.neu_semi_boxes_per_image[10])))
