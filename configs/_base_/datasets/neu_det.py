# NEU-DET detection protocol (see tools/dataset_converters/neu_det.py).
#
# Every name here starts with ``neu_`` so that this file can sit beside any
# upstream config in a ``_base_`` list (MMEngine forbids a key in two bases);
# ``../neu_det_yolo.py`` and ``../neu_det_mmdet.py`` map the names onto the
# runner's keys. The same pipelines serve every detector, so rows compare.
neu_data_root = 'data/neu_det/'
neu_metainfo = dict(
    classes=('crazing', 'inclusion', 'patches', 'pitted_surface',
             'rolled-in_scale', 'scratches'),
    palette=[(220, 20, 60), (0, 128, 255), (0, 200, 0), (255, 160, 0),
             (160, 32, 240), (0, 220, 220)])
neu_num_classes = 6
neu_img_scale = (256, 256)  # width, height (NEU-DET images are 200x200)
neu_affine_scale = 0.5
neu_batch_size = 16
neu_num_workers = 2

neu_load = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.LoadAnnotations', with_bbox=True)
]
neu_last_transforms = [
    dict(type='mmyolo.YOLOv5HSVRandomAug'),
    dict(type='mmdet.RandomFlip', prob=[0.5, 0.5],
         direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'flip',
                    'flip_direction'))
]
neu_train_pipeline = [
    *neu_load,
    dict(type='mmyolo.Mosaic', img_scale=neu_img_scale, pad_val=114.0,
         pre_transform=neu_load),
    dict(type='mmyolo.YOLOv5RandomAffine',
         max_rotate_degree=0.0,
         max_shear_degree=0.0,
         scaling_ratio_range=(1 - neu_affine_scale, 1 + neu_affine_scale),
         max_aspect_ratio=100,
         border=(-neu_img_scale[0] // 2, -neu_img_scale[1] // 2),
         border_val=(114, 114, 114)),
    *neu_last_transforms
]
# the last epochs train without mosaic (YOLOv8's close-mosaic stage)
neu_train_pipeline_stage2 = [
    *neu_load,
    dict(type='mmyolo.YOLOv5KeepRatioResize', scale=neu_img_scale),
    dict(type='mmyolo.LetterResize', scale=neu_img_scale,
         allow_scale_up=True, pad_val=dict(img=114.0)),
    dict(type='mmyolo.YOLOv5RandomAffine',
         max_rotate_degree=0.0,
         max_shear_degree=0.0,
         scaling_ratio_range=(1 - neu_affine_scale, 1 + neu_affine_scale),
         max_aspect_ratio=100,
         border_val=(114, 114, 114)),
    *neu_last_transforms
]
# Ground truth is loaded after the resize, so metrics compare predictions
# (rescaled to the original image) with boxes in original coordinates.
neu_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.Resize', scale=neu_img_scale, keep_ratio=True),
    dict(type='mmdet.LoadAnnotations', with_bbox=True),
    dict(type='mmdet.PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
neu_train_dataloader = dict(
    batch_size=neu_batch_size,
    num_workers=neu_num_workers,
    persistent_workers=True,
    pin_memory=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='mmyolo.YOLOv5CocoDataset',
        data_root=neu_data_root,
        metainfo=neu_metainfo,
        ann_file='annotations/labeled_100.json',  # 10/20/40/100 %
        data_prefix=dict(img='images/'),
        filter_cfg=dict(filter_empty_gt=False),
        pipeline=neu_train_pipeline))
neu_test_dataloader = dict(
    batch_size=8,
    num_workers=neu_num_workers,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='mmyolo.YOLOv5CocoDataset',
        data_root=neu_data_root,
        metainfo=neu_metainfo,
        ann_file='annotations/test.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=neu_test_pipeline))
# The NMS IoU threshold of every detector's test_cfg. 0.5 was chosen on the
# held-back labels of the 40 % and 20 % splits' unlabeled images, never on
# the test images (tools/analysis_tools/nms_sweep.py --held-out; docs/dsym.md,
# "The detectors' NMS threshold"): MMYOLO's COCO value, 0.7, keeps
# near-duplicates of NEU-DET's long, touching defects.
neu_nms_iou_thr = 0.5
# mAP@0.5 two ways: VOC (area under the interpolated PR curve) and COCO AP50
# (101-point). Both are printed by tools/test.py.
neu_evaluator = [
    dict(type='mmdet.ClasswiseVOCMetric', metric='mAP', iou_thrs=[0.5],
         eval_mode='area', prefix='voc'),
    dict(type='mmdet.CocoMetric', ann_file=neu_data_root +
         'annotations/test.json', metric='bbox', classwise=True,
         prefix='coco')
]
neu_data_preprocessor = dict(
    type='mmdet.DetDataPreprocessor',
    mean=[0., 0., 0.],
    std=[255., 255., 255.],
    bgr_to_rgb=True,
    pad_size_divisor=32,
    pad_value=114)

# Semi-supervised training with MMDetection's mean teacher: labeled images
# through the supervised pipeline (branch ``sup``); unlabeled ones, loaded
# without annotations, as a weak view for the teacher (``unsup_teacher``:
# resize, flips) and a strong view for the student (``unsup_student``: also
# colour and geometric RandAugment and erasing). Both views record
# ``homography_matrix`` so that pseudo-boxes move from one to the other.
neu_semi_branches = ['sup', 'unsup_teacher', 'unsup_student']
neu_semi_view_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                      'scale_factor', 'flip', 'flip_direction',
                      'homography_matrix')
neu_semi_color_space = [[dict(type='mmdet.ColorTransform')],
                        [dict(type='mmdet.AutoContrast')],
                        [dict(type='mmdet.Equalize')],
                        [dict(type='mmdet.Sharpness')],
                        [dict(type='mmdet.Posterize')],
                        [dict(type='mmdet.Solarize')],
                        [dict(type='mmdet.Contrast')],
                        [dict(type='mmdet.Brightness')]]
neu_semi_geometric = [[dict(type='mmdet.Rotate')],
                      [dict(type='mmdet.ShearX')],
                      [dict(type='mmdet.ShearY')],
                      [dict(type='mmdet.TranslateX')],
                      [dict(type='mmdet.TranslateY')]]
neu_semi_weak = [
    dict(type='mmdet.Resize', scale=neu_img_scale, keep_ratio=True),
    dict(type='mmdet.RandomFlip', prob=[0.5, 0.5],
         direction=['horizontal', 'vertical']),
    dict(type='mmdet.PackDetInputs', meta_keys=neu_semi_view_keys)
]
neu_semi_strong = [
    *neu_semi_weak[:-1],
    dict(type='mmdet.RandomOrder',
         transforms=[
             dict(type='mmdet.RandAugment', aug_space=neu_semi_color_space,
                  aug_num=1),
             dict(type='mmdet.RandAugment', aug_space=neu_semi_geometric,
                  aug_num=1)
         ]),
    dict(type='mmdet.RandomErasing', n_patches=(1, 5), ratio=(0, 0.2)),
    dict(type='mmdet.PackDetInputs', meta_keys=neu_semi_view_keys)
]
neu_semi_sup_pipeline = [
    *neu_train_pipeline[:-1],
    dict(type='mmdet.MultiBranch', branch_field=neu_semi_branches,
         sup=neu_train_pipeline[-1])
]
neu_semi_unsup_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmdet.LoadEmptyAnnotations'),
    dict(type='mmdet.MultiBranch', branch_field=neu_semi_branches,
         unsup_teacher=neu_semi_weak, unsup_student=neu_semi_strong)
]
# the labeled images' own augmentation (after the close-mosaic switch:
# scale jitter and translation, HSV, flips) as an unlabeled view; its
# affine records the homography that the pseudo-boxes follow
neu_semi_sup_aug = [
    neu_semi_weak[0],
    *[
        dict(step, type='mmyolo.YOLOv5RandomAffineWithHomography')
        for step in neu_train_pipeline_stage2
        if step['type'] == 'mmyolo.YOLOv5RandomAffine'
    ],
    *neu_last_transforms[:-1],
    neu_semi_weak[-1],
]
# the MultiBranch step of the unlabeled images for each student view: the
# paper's strong view, and the ablations of dsym_mm (colour-only, the strong
# view without erasing, the weak view itself, or the labeled images'
# augmentation). A row that changes the view swaps this last step of its
# unlabeled dataset's pipeline (MMEngine replaces lists whole).
neu_semi_unsup_branches = {
    name: dict(neu_semi_unsup_pipeline[-1], unsup_student=view)
    for name, view in dict(
        strong=neu_semi_strong,
        colour=[
            step['transforms'][0]
            if step['type'] == 'mmdet.RandomOrder' else step
            for step in neu_semi_strong
        ],
        no_erasing=[
            step for step in neu_semi_strong
            if step['type'] != 'mmdet.RandomErasing'
        ],
        weak=neu_semi_weak,
        sup_aug=neu_semi_sup_aug).items()
}
# the unlabeled images' loading steps, and those of the OracleLabelDSYM
# diagnostics (true labels through DSYM's unlabeled path: the annotations
# are loaded, from a file that holds them)
neu_semi_unsup_load = neu_semi_unsup_pipeline[:-1]
neu_semi_oracle_load = [
    neu_semi_unsup_load[0],
    dict(type='mmdet.LoadAnnotations', with_bbox=True)
]
neu_semi_labeled = dict(
    neu_train_dataloader['dataset'],
    ann_file='annotations/labeled_40.json',
    pipeline=neu_semi_sup_pipeline)
neu_semi_unlabeled = dict(
    type='mmdet.CocoDataset',
    data_root=neu_data_root,
    metainfo=neu_metainfo,
    ann_file='annotations/unlabeled_40.json',  # images only
    data_prefix=dict(img='images/'),
    filter_cfg=dict(filter_empty_gt=False),
    pipeline=neu_semi_unsup_pipeline)
# A stage that continues a finished supervised run (the 100-epoch schedule
# ends without mosaic) trains its labeled images without mosaic too.
neu_semi_sup_pipeline_stage2 = [
    *neu_train_pipeline_stage2[:-1],
    dict(type='mmdet.MultiBranch', branch_field=neu_semi_branches,
         sup=neu_train_pipeline_stage2[-1])
]
# Each batch: 8 labeled + 8 unlabeled images. The datasets are those of the
# 40 % split; a row of another split sets the two ann_files
# (annotations/{labeled,unlabeled}_<percent>.json), as MMDetection's
# semi-supervised configs do.
neu_semi_train_dataloader = dict(
    batch_size=16,
    num_workers=neu_num_workers,
    persistent_workers=True,
    sampler=dict(type='mmdet.MultiSourceSampler', batch_size=16,
                 source_ratio=[1, 1]),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(type='ConcatDataset',
                 datasets=[neu_semi_labeled, neu_semi_unlabeled]))
