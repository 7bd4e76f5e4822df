_base_ = './yolov9_s_1xb16-100e_neu-det-100pct.py'

train_dataloader = dict(dataset=dict(ann_file='annotations/labeled_40.json'))
