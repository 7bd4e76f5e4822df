# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import copy
import functools
import glob
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from dsym_mm.apis import check_checkpoint_matches, load_config
from dsym_mm.engine import to_channels_last, trains_channels_last
from dsym_mm.registry import MODELS

from .conftest import REPO, voc_boxes_per_image

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


@functools.lru_cache(maxsize=None)
def _parsed_config(path):
    return Config.fromfile(path)


def config_of(path):
    """``Config.fromfile(path)``, parsed once per session (the configs
    inherit from deep bases, and every config is read by several tests); a
    copy, so that a test may change it."""
    return copy.deepcopy(_parsed_config(path))


def sample(boxes):
    s = DetDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64),
                                    scale_factor=(1., 1.)))
    s.gt_instances = InstanceData(
        bboxes=torch.tensor(boxes).reshape(-1, 4),
        labels=torch.zeros(len(boxes), dtype=torch.long))
    return s


def test_every_family_has_configs():
    names = [osp.basename(p) for p in CONFIGS]
    for pct in (10, 20, 40, 100):
        assert f'yolov9_t_1xb16-100e_neu-det-{pct}pct.py' in names
    for family in ('yolov8_n', 'tood_r18_fpn', 'yolov9_t-mamba'):
        for pct in (40, 100):
            assert f'{family}_1xb16-100e_neu-det-{pct}pct.py' in names
    for name in ('dsym_neu_10pct.py', 'dsym_neu_20pct.py', 'dsym_neu_40pct.py',
                 'dsym_tood_neu_40pct.py'):
        assert name in names


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.basename(p) for p in CONFIGS])
def test_config_builds_and_runs_forward(path):
    cfg = config_of(path)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    assert 'dsym_mm' in cfg.custom_imports.imports
    train_sets = cfg.train_dataloader.dataset.get(
        'datasets', [cfg.train_dataloader.dataset])  # semi: [labeled, unl.]
    assert len(train_sets[0].metainfo.classes) == 6
    assert train_sets[0].ann_file.startswith('annotations/labeled_')
    if 'oracle' in osp.basename(path):
        # the diagnostic ceiling: its second source reads true labels
        assert [d.ann_file for d in train_sets[1:]] == \
            ['annotations/labeled_100.json']
    else:
        assert all('unlabeled_' in d.ann_file for d in train_sets[1:])
    assert cfg.test_dataloader.dataset.ann_file == 'annotations/test.json'
    # MMEngine writes every variable of every base into each log, config
    # dump and checkpoint: the bases hold parts, not one dataset per split,
    # view and variant (they did: 147k characters, 12927 formatted lines)
    assert len(repr(cfg.to_dict())) < 80_000
    if cfg.model.get('detector', {}).get('init_cfg'):
        # starts from the work dir of a config of ours (loading it is
        # tested in test_dsym.py) or from a published start of ours
        # (test_published_checkpoints.py)
        checkpoint = cfg.model.detector.init_cfg.checkpoint
        if checkpoint.startswith('checkpoints/'):
            assert osp.isfile(osp.join(REPO, checkpoint)), checkpoint
        else:
            work_dir = checkpoint.split('/')[1]
            assert work_dir + '.py' in [osp.basename(p) for p in CONFIGS]
        cfg.model.detector.init_cfg = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    # every detector is tested at the protocol's NMS threshold
    head = getattr(model, 'teacher', model).bbox_head
    assert head.test_cfg.nms.iou_threshold == cfg.neu_nms_iou_thr
    # every run trains in NHWC (ChannelsLastHook): so does this step
    assert trains_channels_last(cfg)
    to_channels_last(model)
    if cfg.model.type.endswith('DSYM'):  # multi-branch data: test_dsym.py
        assert cfg.train_cfg.type == 'IterBasedTrainLoop'
        assert type(model.student) is type(model.teacher)
        # the loop keeps the message hub's epoch at 0: a head with an
        # initial phase counted in epochs (TOOD's) would never leave it
        assert getattr(model.student.bbox_head, 'initial_epoch', 0) <= 0
        return
    # one training step on two 64x64 images through the data preprocessor
    data = dict(
        inputs=[torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8)] * 2,
        data_samples=[sample([[4., 6., 40., 30.]]), sample([])])
    model.train()
    MessageHub.get_current_instance().update_info('epoch', 0)  # for TOOD
    losses = model.train_step(
        data, OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3)))
    assert all(torch.isfinite(torch.as_tensor(v)) for v in losses.values())
    model.eval()
    with torch.no_grad():
        results = model.test_step(data)
    assert len(results) == 2 and results[0].pred_instances.bboxes.shape[1] == 4
    # no SyncBN on a CPU protocol
    assert not any('SyncBatchNorm' in type(m).__name__
                   for m in model.modules())


@pytest.mark.parametrize('pct', [10, 20, 40])
def test_dsym_filter_uses_its_split_box_density(pct, neu_root):
    """The pseudo-label filter's boxes per image are the labeled split's."""
    name = 'dsym_neu_40pct.py' if pct == 40 else f'dsym_neu_{pct}pct.py'
    cfg = Config.fromfile(osp.join(REPO, 'configs', name))
    filt = cfg.model.semi_train_cfg.pseudo_label_filter
    classes = cfg.train_dataloader.dataset.datasets[0].metainfo.classes
    assert cfg.train_dataloader.dataset.datasets[0].ann_file.endswith(
        f'labeled_{pct}.json')
    counted = voc_boxes_per_image(
        neu_root, osp.join(REPO, 'splits', 'neu_det', f'labeled_{pct}.txt'),
        classes)
    np.testing.assert_allclose(filt.boxes_per_image, counted, atol=0.005)


@pytest.mark.parametrize('pct', [10, 20, 40, 100])
def test_supervised_warmup_is_a_small_part_of_the_schedule(pct):
    """MMYOLO's warm-up floor of 1000 iterations took 24 of the 100 epochs
    at 40 % labels and 91 at 10 %; the CPU schedule caps it."""
    from mmengine.registry import HOOKS
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'yolov9',
                 f'yolov9_t_1xb16-100e_neu-det-{pct}pct.py'))
    init_default_scope(cfg.default_scope)
    hook = HOOKS.build(cfg.default_hooks.param_scheduler)
    with open(osp.join(REPO, 'splits', 'neu_det',
                       f'labeled_{pct}.txt')) as f:
        num_images = len(f.read().split())
    iters_per_epoch = -(-num_images // cfg.train_dataloader.batch_size)
    warmup = max(round(hook.warmup_epochs * iters_per_epoch),
                 hook.warmup_mim_iter)  # as the hook computes it
    assert warmup <= 0.1 * iters_per_epoch * cfg.train_cfg.max_epochs


@pytest.mark.parametrize('name,pct', [
    ('dsym/dsym_yolov9_t_3k-from-sup_neu-det-10pct.py', 10),
    ('dsym/dsym_yolov9_t_3k-from-sup_neu-det-20pct.py', 20),
    ('dsym_neu_40pct.py', 40),
    ('dsym/dsym-sup-only_yolov9_t_3k-from-sup_neu-det-40pct.py', 40),
    ('dsym/dsym_tood_r18_3k-from-sup_neu-det-40pct.py', 40),
    ('dsym_tood_neu_40pct.py', 40),
])
def test_finetune_stage_trains_labeled_images_without_mosaic(name, pct):
    """The supervised run that a fine-tuning stage starts from ends without
    mosaic; mosaic again in the stage cost the supervised-only row 3 points
    (62.8 -> 59.7)."""
    cfg = Config.fromfile(osp.join('configs', name))
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    steps = [t['type'] for t in labeled.pipeline]
    assert 'mmyolo.Mosaic' not in steps
    assert steps[-1] == 'mmdet.MultiBranch'
    assert labeled.ann_file == f'annotations/labeled_{pct}.json'
    assert unlabeled.ann_file == f'annotations/unlabeled_{pct}.json'


def test_finetune_stage_starts_from_its_supervised_runs_last_checkpoint():
    """A stage that names its ``supervised_config`` (run_main.sh trains that
    first, in its default work dir) loads that run's last checkpoint, or a
    published copy of it: a supervised schedule that changes length must
    move its stages' checkpoint with it."""
    stages = 0
    for path in CONFIGS:
        cfg = config_of(path)
        if not cfg.get('supervised_config'):
            continue
        stages += 1
        sup = config_of(osp.join(REPO, cfg.supervised_config))
        name = osp.splitext(osp.basename(cfg.supervised_config))[0]
        checkpoint = cfg.model.detector.init_cfg.checkpoint
        if checkpoint.startswith('checkpoints/'):
            assert osp.basename(checkpoint).startswith(name + '-'), path
        else:
            assert checkpoint == (f'work_dirs/{name}/'
                                  f'epoch_{sup.train_cfg.max_epochs}.pth'), \
                path
    assert stages >= 5


def student_view_of_ablation(name):
    """The student's unlabeled view in the lr-2e-4 ablation ``name``, and
    its base's views. The student's view is checked to be the one thing
    the ablation changes: the teacher's view, the labeled images and the
    model are as in its base, and the homography is still packed."""
    base = Config.fromfile(
        'configs/dsym/dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py')
    cfg = Config.fromfile(f'configs/dsym/dsym-{name}_yolov9_t_3k-'
                          'from-sup-lr2e-4_neu-det-40pct.py')
    (labeled, unlabeled), (base_labeled, base_unlabeled) = (
        cfg.train_dataloader.dataset.datasets,
        base.train_dataloader.dataset.datasets)
    assert labeled.to_dict() == base_labeled.to_dict()
    assert unlabeled.ann_file == base_unlabeled.ann_file
    views, base_views = unlabeled.pipeline[-1], base_unlabeled.pipeline[-1]
    assert views.unsup_teacher == base_views.unsup_teacher
    student = views.unsup_student
    assert student != base_views.unsup_student
    assert student[-1] == base_views.unsup_student[-1]  # homography kept
    assert cfg.model.to_dict() == base.model.to_dict()
    return student, base_views


def test_colour_only_strong_view_drops_only_the_geometric_augments():
    """No rotate/shear/translate; colour RandAugment and erasing kept."""
    student, _ = student_view_of_ablation('no-geometric')
    assert [t['type'] for t in student] == [
        'mmdet.Resize', 'mmdet.RandomFlip', 'mmdet.RandAugment',
        'mmdet.RandomErasing', 'mmdet.PackDetInputs'
    ]
    space = {a[0]['type'] for a in student[2]['aug_space']}
    assert 'mmdet.Brightness' in space
    assert not space & {'mmdet.Rotate', 'mmdet.ShearX', 'mmdet.TranslateX'}


def test_no_erasing_view_drops_only_the_erasing():
    """Both RandAugments kept, in the strong view's order; no erasing."""
    student, base_views = student_view_of_ablation('no-erasing')
    assert student == [
        step for step in base_views.unsup_student
        if step['type'] != 'mmdet.RandomErasing'
    ]
    assert len(student) == len(base_views.unsup_student) - 1
    assert student[2]['type'] == 'mmdet.RandomOrder'


def test_weak_student_sees_the_teachers_kind_of_view():
    """The student's view is built like the teacher's (its own flips)."""
    student, base_views = student_view_of_ablation('weak-student')
    assert student == base_views.unsup_teacher
    assert [t['type'] for t in student] == [
        'mmdet.Resize', 'mmdet.RandomFlip', 'mmdet.PackDetInputs'
    ]


def test_sup_aug_student_is_augmented_like_the_labeled_images():
    """The joint-pass row's student view repeats the labeled branch's
    affine (through the subclass that records its homography), HSV and
    flips, and keeps the view's homography packed."""
    cfg = Config.fromfile(
        'configs/dsym/dsym-joint-pass-sup-aug-student_yolov9_t_3k-'
        'from-sup-lr2e-4_neu-det-40pct.py')
    assert cfg.model.semi_train_cfg.student_pass == 'joint'
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    views = unlabeled.pipeline[-1]
    student = views.unsup_student
    assert [t['type'] for t in student] == [
        'mmdet.Resize', 'mmyolo.YOLOv5RandomAffineWithHomography',
        'mmyolo.YOLOv5HSVRandomAug', 'mmdet.RandomFlip', 'mmdet.PackDetInputs'
    ]
    sup = {t['type']: t for t in labeled.pipeline}
    assert dict(student[1], type='mmyolo.YOLOv5RandomAffine') == \
        sup['mmyolo.YOLOv5RandomAffine']
    assert student[2:4] == [sup['mmyolo.YOLOv5HSVRandomAug'],
                            sup['mmdet.RandomFlip']]
    assert student[-1] == views.unsup_teacher[-1]  # homography packed


@pytest.mark.parametrize('name,changed', [
    ('pseudo-only', dict(consistency_weight=0.)),
    ('cons-only', dict(unsup_weight=0.)),
])
def test_unlabeled_loss_ablation_turns_off_one_term(name, changed):
    """Each row of the lr-2e-4 loss split sets one unlabeled term's weight
    to 0 and is otherwise its DSYM base (data, model, schedule)."""
    base = Config.fromfile(
        'configs/dsym/dsym_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py')
    cfg = Config.fromfile(f'configs/dsym/dsym-{name}_yolov9_t_3k-'
                          'from-sup-lr2e-4_neu-det-40pct.py')
    semi = cfg.model.pop('semi_train_cfg').to_dict()
    base_semi = base.model.pop('semi_train_cfg').to_dict()
    assert {k: v for k, v in semi.items() if base_semi[k] != v} == changed
    assert all(base_semi[k] > 0 for k in changed)
    assert semi.keys() == base_semi.keys()
    for key in ('model', 'train_dataloader', 'optim_wrapper',
                'param_scheduler', 'train_cfg', 'custom_hooks'):
        assert cfg[key] == base[key], key


SUP_ONLY_ROWS = sorted(
    osp.basename(p) for p in CONFIGS
    if osp.basename(p).startswith('dsym-sup-only_') and osp.exists(
        osp.join(osp.dirname(p),
                 'dsym_' + osp.basename(p)[len('dsym-sup-only_'):])))


@pytest.mark.parametrize('name', SUP_ONLY_ROWS)
def test_sup_only_row_is_its_dsym_row_without_unlabeled_losses(name):
    """A ``dsym-sup-only_X`` row is ``dsym_X`` (start, data, schedule,
    checkpoints) with both unlabeled weights 0."""
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'dsym', name))
    base = Config.fromfile(
        osp.join(REPO, 'configs', 'dsym',
                 'dsym_' + name[len('dsym-sup-only_'):]))
    semi = cfg.model.pop('semi_train_cfg').to_dict()
    base_semi = base.model.pop('semi_train_cfg').to_dict()
    assert {k: v
            for k, v in semi.items() if base_semi.get(k, 1.) != v} == dict(
                unsup_weight=0., consistency_weight=0.)
    for key in ('model', 'train_dataloader', 'optim_wrapper',
                'param_scheduler', 'train_cfg', 'default_hooks'):
        assert cfg[key] == base[key], key


LONG_STAGES = sorted(
    osp.basename(p) for p in CONFIGS if '_6k-from-sup-' in osp.basename(p))


@pytest.mark.parametrize('name', LONG_STAGES)
def test_long_stage_is_its_3k_row_twice_as_long(name):
    """A ``6k`` row is its ``3k`` row with 6000 iterations and the decay
    stretched to them, warm-up and everything else unchanged."""
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'dsym', name))
    base = Config.fromfile(
        osp.join(REPO, 'configs', 'dsym', name.replace('_6k-', '_3k-')))
    assert (base.train_cfg.max_iters, cfg.train_cfg.max_iters) == (3000, 6000)
    warmup, decay = cfg.param_scheduler
    assert warmup == base.param_scheduler[0]
    assert dict(decay, end=3000) == base.param_scheduler[1]
    assert decay.end == 6000
    for key in ('model', 'train_dataloader', 'optim_wrapper', 'custom_hooks',
                'default_hooks', 'val_evaluator', 'randomness'):
        assert cfg.get(key) == base.get(key), key
    assert dict(cfg.train_cfg, max_iters=3000) == base.train_cfg


def test_long_stages_have_the_20pct_rows_to_compare():
    """The longer stage exists for the supervised-only row, the pseudo-label
    row and the true-label bound, so they compare at one budget (and the
    test above does not pass by having no configs to check)."""
    assert {n.split('_')[0] for n in LONG_STAGES if '20pct' in n} >= {
        'dsym-sup-only', 'dsym-joint-pass-weak-student-ignore-uncertain',
        'dsym-oracle-joint-pass-weak-student'
    }


def assert_same_run(cfg, base, name):
    """``cfg`` trains and validates as ``base`` does: model, data,
    schedule, hooks, evaluator and seed."""
    for key in ('model', 'train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'custom_hooks', 'default_hooks',
                'val_evaluator', 'randomness'):
        assert cfg.get(key) == base.get(key), (name, key)


IGNORE_THRESHOLD_ROWS = sorted(
    osp.basename(p) for p in CONFIGS
    if '-ignore-uncertain-0.' in osp.basename(p))


def test_ignore_threshold_rows_change_only_the_threshold():
    """``...-ignore-uncertain-<thr>_*`` is its ``...-ignore-uncertain_*``
    row (threshold 0.1) with ``ignore_score_thr=<thr>`` and nothing else."""
    assert len(IGNORE_THRESHOLD_ROWS) >= 2
    for name in IGNORE_THRESHOLD_ROWS:
        prefix, rest = name.split('_', 1)
        row, thr = prefix.rsplit('-', 1)
        cfg = Config.fromfile(osp.join(REPO, 'configs', 'dsym', name))
        base = Config.fromfile(
            osp.join(REPO, 'configs', 'dsym', f'{row}_{rest}'))
        assert base.model.semi_train_cfg.ignore_score_thr == 0.1
        assert cfg.model.semi_train_cfg.ignore_score_thr == float(thr) < 0.1
        cfg.model.semi_train_cfg.ignore_score_thr = 0.1
        assert_same_run(cfg, base, name)


FLIP_FUSION_ROWS = sorted(
    osp.basename(p) for p in CONFIGS if '-flip-fusion_' in osp.basename(p))


def test_flip_fusion_rows_change_only_the_teachers_second_view():
    """``...-flip-fusion_*`` is its row without the suffix plus
    ``teacher_flip_fusion`` and nothing else, at 20 % and 40 %."""
    assert {n.rsplit('-', 1)[1] for n in FLIP_FUSION_ROWS} >= {
        '20pct.py', '40pct.py'}
    for name in FLIP_FUSION_ROWS:
        cfg = config_of(osp.join(REPO, 'configs', 'dsym', name))
        base = config_of(
            osp.join(REPO, 'configs', 'dsym',
                     name.replace('-flip-fusion_', '_')))
        assert 'teacher_flip_fusion' not in base.model.semi_train_cfg
        assert cfg.model.semi_train_cfg.pop('teacher_flip_fusion') == dict(
            iou_thr=0.55)
        assert_same_run(cfg, base, name)


PARTNER_ROWS = sorted(
    osp.basename(p) for p in CONFIGS if '-partner_' in osp.basename(p))


def test_partner_rows_add_a_published_second_detector_and_nothing_else():
    """``...-partner_*`` is its row without the suffix plus
    ``teacher_partner``: a published supervised start of the same split
    from another seed, which fits the row's detector."""
    assert PARTNER_ROWS
    for name in PARTNER_ROWS:
        cfg = config_of(osp.join(REPO, 'configs', 'dsym', name))
        base = config_of(
            osp.join(REPO, 'configs', 'dsym',
                     name.replace('-partner_', '_')))
        partner = cfg.model.semi_train_cfg.pop('teacher_partner')
        assert partner.iou_thr == 0.55
        split = name.rsplit('-', 1)[1][:-len('.py')]
        start = base.model.detector.init_cfg.checkpoint
        assert split in start and re.fullmatch(
            r'checkpoints/' + re.escape(osp.basename(start).rsplit('-', 1)[0])
            + r'_seed\d+-[0-9a-f]{8}\.pth', partner.checkpoint), name
        init_default_scope(cfg.default_scope)
        detector = MODELS.build(copy.deepcopy(base.model.detector))
        check_checkpoint_matches(detector, osp.join(REPO, partner.checkpoint))
        assert_same_run(cfg, base, name)


def test_drop_fragments_row_adds_the_containment_filter_after_the_nms():
    """``...-pseudo-nms-drop-fragments_*`` is its ``...-pseudo-nms_*`` row
    with a containment filter between the NMS and the thresholds."""
    rest = 'yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'
    row = 'dsym-joint-pass-weak-student-ignore-uncertain-pseudo-nms'
    cfg = config_of(
        osp.join(REPO, 'configs', 'dsym', f'{row}-drop-fragments_{rest}'))
    base = config_of(osp.join(REPO, 'configs', 'dsym', f'{row}_{rest}'))
    filters = cfg.model.semi_train_cfg.pseudo_label_filter.filters
    assert [f.type for f in filters] == [
        'mmdet.ClasswiseNMSFilter', 'mmdet.ClasswiseContainmentFilter',
        'mmdet.ClassFrequencyThresholdFilter'
    ]
    assert filters.pop(1) == dict(type='mmdet.ClasswiseContainmentFilter',
                                  min_inside=0.8)
    assert_same_run(cfg, base, row)


def test_cls_only_joint_row_gives_the_pseudo_boxes_box_weight_0():
    """``...-ignore-uncertain-cls-only_*`` is its row with box weight 0 for
    the pseudo-labels and the assigner that reads it, nothing else."""
    rest = 'yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py'
    row = 'dsym-joint-pass-weak-student-ignore-uncertain'
    cfg = config_of(osp.join(REPO, 'configs', 'dsym', f'{row}-cls-only_{rest}'))
    base = config_of(osp.join(REPO, 'configs', 'dsym', f'{row}_{rest}'))
    assert cfg.model.semi_train_cfg.pop('pseudo_box_weight') == 0
    assigner = cfg.model.detector.train_cfg.assigner
    assert assigner.type == 'ScoreWeightedTaskAlignedAssigner'
    assigner.type = base.model.detector.train_cfg.assigner.type
    assert_same_run(cfg, base, row)


@pytest.mark.parametrize('pct', [20, 40])
def test_oracle_error_rows_add_one_teacher_error_to_their_bound(pct):
    """At each split, ``dsym-oracle-recall-*`` is the bound (true labels in
    the joint pass) with the split's published start's misses, and
    ``dsym-oracle-false-positives-*`` the bound with the teacher's false
    positives through the split's best row's filter; both ignore as that
    row does, and nothing else changes."""
    rest = f'yolov9_t_3k-from-sup-lr2e-4_neu-det-{pct}pct.py'

    def row(name):
        return config_of(osp.join(REPO, 'configs', 'dsym', f'{name}_{rest}'))

    bound = row('dsym-oracle-joint-pass-weak-student')
    best = row('dsym-joint-pass-weak-student-ignore-uncertain').model
    assert bound.model.semi_train_cfg.pop('ignore_score_thr', None) is None
    for name, oracle in (
        ('dsym-oracle-recall-joint-pass-weak-student',
         bound.neu_semi_published_start_recall[pct]),
        ('dsym-oracle-false-positives-joint-pass-weak-student',
         dict(teacher_false_positives=True)),
    ):
        cfg = row(name)
        semi = cfg.model.semi_train_cfg
        assert semi.pop('oracle') == oracle
        assert semi.pop('ignore_score_thr') == \
            best.semi_train_cfg.ignore_score_thr
        if 'false-positives' in name:
            assert semi.pseudo_label_filter == \
                best.semi_train_cfg.pseudo_label_filter
            semi.pseudo_label_filter = \
                bound.model.semi_train_cfg.pseudo_label_filter
        assert_same_run(cfg, bound, name)


@pytest.mark.parametrize('pct', [20, 40])
def test_oracle_judge_row_is_the_false_positive_row_judging_instead(pct):
    """``dsym-oracle-judge-*`` runs as the split's false-positives-only row
    (the teacher, the best row's filter and ignore threshold) with the
    oracle keeping the teacher's hits instead of adding true boxes."""
    rest = ('joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-'
            f'{pct}pct')
    cfg = config_of(
        osp.join(REPO, 'configs', 'dsym', f'dsym-oracle-judge-{rest}.py'))
    base = config_of(
        osp.join(REPO, 'configs', 'dsym',
                 f'dsym-oracle-false-positives-{rest}.py'))
    assert cfg.model.semi_train_cfg.pop('oracle') == dict(
        teacher_hits_only=True)
    assert base.model.semi_train_cfg.pop('oracle') == dict(
        teacher_false_positives=True)
    assert_same_run(cfg, base, 'dsym-oracle-judge')


@pytest.mark.parametrize('variant,pct,oracle', [
    ('true-extents', 20, dict(hit_extents='annotation')),
    ('true-extents', 40, dict(hit_extents='annotation')),
    ('tight-hits', 40, dict(match_iou=0.7)),
])
def test_oracle_judge_variants_change_only_the_judge(variant, pct, oracle):
    """``dsym-oracle-judge-<variant>-*`` is the split's judge row with one
    more oracle setting (the hits at the annotations' extents; only the
    hits at IoU 0.7), nothing else."""
    rest = ('joint-pass-weak-student_yolov9_t_3k-from-sup-lr2e-4_neu-det-'
            f'{pct}pct.py')
    cfg = config_of(
        osp.join(REPO, 'configs', 'dsym',
                 f'dsym-oracle-judge-{variant}-{rest}'))
    base = config_of(
        osp.join(REPO, 'configs', 'dsym', f'dsym-oracle-judge-{rest}'))
    assert cfg.model.semi_train_cfg.pop('oracle') == dict(
        teacher_hits_only=True, **oracle)
    base.model.semi_train_cfg.pop('oracle')
    assert_same_run(cfg, base, f'dsym-oracle-judge-{variant}')


IGNORED_CLASS_ROWS = {
    ('ignore-loc-classes', 20): ('crazing', 'rolled-in_scale'),
    ('ignore-crazing', 20): ('crazing', ),
    ('ignore-crazing', 40): ('crazing', ),
}


@pytest.mark.parametrize('suffix,percent', sorted(IGNORED_CLASS_ROWS))
def test_ignored_class_rows_change_only_the_ignored_classes(suffix, percent):
    """``...-ignore-uncertain-<suffix>_*-<percent>pct`` is its
    ``...-ignore-uncertain_*`` row with ``ignored_classes`` naming the
    classes its comment gives, by their index in the dataset's classes."""
    row = 'dsym-joint-pass-weak-student-ignore-uncertain'
    rest = f'yolov9_t_3k-from-sup-lr2e-4_neu-det-{percent}pct.py'
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'dsym', f'{row}-{suffix}_{rest}'))
    base = Config.fromfile(osp.join(REPO, 'configs', 'dsym', f'{row}_{rest}'))
    classes = cfg.neu_metainfo['classes']
    assert tuple(classes[i] for i in cfg.model.semi_train_cfg.pop(
        'ignored_classes')) == IGNORED_CLASS_ROWS[suffix, percent]
    assert_same_run(cfg, base, suffix)


@pytest.mark.parametrize('row', [
    'dsym-sup-only', 'dsym-joint-pass-weak-student-ignore-uncertain'])
def test_10pct_rows_are_their_20pct_rows_on_the_10pct_split(row):
    """A 10 % row of the lr-2e-4 stage trains as its 20 % row but for the
    split: its labeled and unlabeled files, its published start and its
    labeled boxes per image."""
    rest = 'yolov9_t_3k-from-sup-lr2e-4_neu-det-{}pct.py'
    cfg, base = (config_of(
        osp.join(REPO, 'configs', 'dsym', f'{row}_{rest.format(pct)}'))
                 for pct in (10, 20))
    sets = cfg.train_dataloader.dataset.datasets
    assert [d.ann_file for d in sets] == [
        'annotations/labeled_10.json', 'annotations/unlabeled_10.json']
    assert cfg.model.detector.init_cfg.checkpoint == \
        cfg.neu_semi_finetune_published_detector[10]['init_cfg']['checkpoint']
    filt = cfg.model.semi_train_cfg.pseudo_label_filter
    assert filt.boxes_per_image == cfg.neu_semi_boxes_per_image[10]
    for d, d20 in zip(sets, base.train_dataloader.dataset.datasets):
        d.ann_file = d20.ann_file
    cfg.model.detector.init_cfg = base.model.detector.init_cfg
    filt.boxes_per_image = cfg.neu_semi_boxes_per_image[20]
    assert_same_run(cfg, base, row)


def test_tools_dump_the_config_without_yapf(monkeypatch, tmp_path):
    """The tools' configs log, dump and checkpoint their text unformatted
    (yapf takes seconds per call on these configs), and it loads back to
    the same config."""
    import mmengine.config.config as mmengine_config
    path = osp.join(REPO, 'configs', 'dsym_neu_40pct.py')
    cfg = load_config(path, {'train_cfg.max_iters': 7})

    calls = []

    def yapf_spy(text, **kwargs):
        calls.append(len(text))
        return text, False

    monkeypatch.setattr(mmengine_config, 'FormatCode', yapf_spy)
    Config.fromfile(path).pretty_text  # what MMEngine does by itself
    assert len(calls) == 1
    dumped = tmp_path / 'dumped.py'
    copy.deepcopy(cfg).dump(str(dumped))  # the runner keeps a deep copy
    assert len(calls) == 1
    again = Config.fromfile(str(dumped))
    assert again.to_dict() == cfg.to_dict()
    assert again.train_cfg.max_iters == 7 and again.filename == str(dumped)


def readme_example_configs():
    """The configs of README's "Your own data", by their path there."""
    with open(osp.join(REPO, 'README.md')) as f:
        text = f.read()
    return dict(
        re.findall(r'<!-- example-config: (\S+) -->\n```python\n(.*?)```',
                   text, re.S))


def test_readme_own_data_configs_set_every_dataset_and_build(tmp_path):
    examples = readme_example_configs()
    sup_name = 'my_defects/yolov9_t_1xb16-100e_my-defects.py'
    dsym_name = 'my_defects/dsym_yolov9_t_3k-from-sup_my-defects.py'
    assert sorted(examples) == sorted([sup_name, dsym_name])
    cfgs = {}
    for name, text in examples.items():
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        # the README's configs sit in configs/my_defects/
        path.write_text(
            text.replace("_base_ = '../", f"_base_ = '{REPO}/configs/"))
        cfgs[name] = Config.fromfile(str(path))
    classes = ('scratch', 'dent', 'stain')
    for cfg in cfgs.values():
        train = cfg.train_dataloader.dataset.get(
            'datasets', [cfg.train_dataloader.dataset])
        for dataset in [*train, cfg.val_dataloader.dataset,
                        cfg.test_dataloader.dataset]:
            assert tuple(dataset.metainfo.classes) == classes
            assert dataset.data_root == 'data/my_defects/'
        assert train[0].ann_file == 'annotations/labeled.json'
        assert cfg.test_dataloader.dataset.ann_file == 'annotations/test.json'
        assert [m.get('ann_file') for m in cfg.test_evaluator] == \
            [None, 'data/my_defects/annotations/test.json']
    sup, semi = cfgs[sup_name], cfgs[dsym_name]
    unlabeled = semi.train_dataloader.dataset.datasets[1]
    assert unlabeled.ann_file == 'annotations/unlabeled.json'
    assert unlabeled.pipeline[1].type == 'mmdet.LoadEmptyAnnotations'
    # the stage starts from the supervised config's last checkpoint
    assert semi.supervised_config == f'configs/{sup_name}'
    assert semi.model.detector.init_cfg.checkpoint == \
        'work_dirs/yolov9_t_1xb16-100e_my-defects/epoch_100.pth'
    init_default_scope('mmyolo')
    assert MODELS.build(sup.model).bbox_head.num_classes == 3
    semi.model.detector.init_cfg = None
    model = MODELS.build(semi.model)
    assert model.student.bbox_head.num_classes == 3
    assert len(model.pseudo_label_filter.boxes_per_image) == 3
