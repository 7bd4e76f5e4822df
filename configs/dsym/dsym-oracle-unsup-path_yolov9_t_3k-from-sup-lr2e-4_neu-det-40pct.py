# A diagnostic beside dsym-oracle-labels_*-lr2e-4_* (65.4): the same true
# labels for the unlabeled half of each batch (8 images of the whole
# training pool), but as DSYM's pseudo-labels. The teacher's detections are
# replaced by the annotations of its weak view (mmdet.OracleLabelDSYM), and
# all the rest is DSYM's path: the projection onto the student's strong
# view, the student's separate loss on it, the consistency loss and the
# ramp. If this row falls short of the oracle-labels row, DSYM's unlabeled
# path costs accuracy even with right and complete pseudo-labels.
_base_ = './dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'

model = dict(
    type='mmdet.OracleLabelDSYM',
    semi_train_cfg=dict(
        pseudo_label_filter=dict(
            _delete_=True, type='mmdet.ScoreThresholdFilter',
            score_thr=0.5)))
train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(_base_.train_dataloader.dataset.datasets[1],
             ann_file='annotations/labeled_100.json',
             pipeline=[
                 *_base_.neu_semi_oracle_load,
                 _base_.neu_semi_unsup_branches['strong']
             ])
    ]))
