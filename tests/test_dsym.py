# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""DSYM's teacher-student training (issue 3) on tiny real NEU-DET data."""
import copy
import os.path as osp
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.structures import InstanceData

from dsym_mm.apis import CheckpointMismatchError
from dsym_mm.models import (ClassAdaptiveThresholdFilter,
                            ClassFrequencyThresholdFilter)
from dsym_mm.models.detectors.dsym import captured_outputs
from dsym_mm.models.utils import fuse_two_views
from dsym_mm.registry import HOOKS, MODELS

from .conftest import REPO

CONFIG = osp.join(REPO, 'configs', 'dsym',
                  'dsym_yolov9_t_8k_neu-det-40pct.py')
TOOD_CONFIG = osp.join(REPO, 'configs', 'dsym',
                       'dsym_tood_r18_8k_neu-det-40pct.py')


def tiny_cfg(data_root: str, config: str = CONFIG,
             **semi_train_cfg) -> Config:
    cfg = Config.fromfile(config)
    labeled, unlabeled = cfg.train_dataloader.dataset.datasets
    labeled.update(data_root=data_root,
                   ann_file='annotations/labeled_tiny.json')
    unlabeled.update(data_root=data_root,
                     ann_file='annotations/unlabeled_tiny.json')
    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.sampler.batch_size = 4
    semi_train_cfg = dict(burn_in_iters=2, rampup_iters=0, **semi_train_cfg)
    for key, value in semi_train_cfg.items():  # replace, do not merge
        cfg.model.semi_train_cfg[key] = value
    return cfg


def build(cfg):
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def first_batch(cfg):
    init_default_scope(cfg.default_scope)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=0)
    return next(iter(loader))


def set_iter(it, max_iters=10):
    hub = MessageHub.get_current_instance()
    hub.update_info('iter', it)
    hub.update_info('max_iters', max_iters)
    hub.update_info('epoch', 0)  # TOOD's head reads it


def train_step(model, batch):
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    model.train()
    return model.train_step(batch, optim)


@pytest.mark.parametrize('config', [CONFIG, TOOD_CONFIG],
                         ids=['yolov9_t', 'tood_r18'])
def test_semi_step_uses_all_branches(tiny_neu, config):
    cfg = tiny_cfg(tiny_neu, config,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=0.0))
    batch = first_batch(cfg)
    assert set(batch['data_samples']) == {
        'sup', 'unsup_teacher', 'unsup_student'
    }
    # MultiBranch leaves None where an image has no such branch
    student_views = [s for s in batch['data_samples']['unsup_student'] if s]
    assert len(student_views) == 2  # source_ratio 1:1 of a batch of 4
    for sample in student_views:
        assert len(sample.gt_instances) == 0  # no label reaches training
        assert sample.homography_matrix.shape == (3, 3)
    model = build(cfg)
    set_iter(0)
    burn_in = train_step(model, batch)
    assert 'sup_loss_cls' in burn_in
    assert not any(k.startswith('unsup_') for k in burn_in)
    set_iter(5)
    losses = train_step(model, batch)
    for key in ('sup_loss_cls', 'unsup_loss_cls', 'unsup_loss_bbox',
                'unsup_loss_consistency', 'unsup_num_pseudo'):
        assert key in losses, key
        assert torch.isfinite(losses[key]), key
    # every teacher box passes a 0 threshold: the student got pseudo-labels
    assert losses['unsup_num_pseudo'] > 0
    assert losses['unsup_loss_consistency'] >= 0


def test_no_surviving_pseudo_label_zeroes_the_unsup_loss(tiny_neu):
    cfg = tiny_cfg(tiny_neu,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=1.1),
                   consistency_weight=0.)
    model = build(cfg)
    set_iter(5)
    losses = train_step(model, first_batch(cfg))
    assert losses['unsup_num_pseudo'] == 0
    for key in ('unsup_loss_cls', 'unsup_loss_bbox', 'unsup_loss_dfl'):
        assert losses[key] == 0 and torch.isfinite(losses[key])
    assert losses['unsup_num_candidates'] > 0


def test_ignored_teacher_boxes_reach_the_student_head(tiny_neu, monkeypatch):
    """Nothing is kept, everything is ignored: the student's head receives
    the ignored regions in its loss."""
    from dsym_mm.models.dense_heads.yolov9_head import YOLOv9Head
    cfg = tiny_cfg(tiny_neu,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=1.1),
                   ignore_score_thr=0.)
    model = build(cfg)
    received = []
    detach = YOLOv9Head.detach_ignored_priors

    def spy(self, cls_scores, gt_instances, ignored):
        received.append(sum(len(i) for i in ignored if i is not None))
        return detach(self, cls_scores, gt_instances, ignored)

    monkeypatch.setattr(YOLOv9Head, 'detach_ignored_priors', spy)
    set_iter(5)
    losses = train_step(model, first_batch(cfg))
    assert losses['unsup_num_pseudo'] == 0
    assert losses['unsup_num_ignored'] > 0
    assert received and received[0] > 0
    assert all(torch.isfinite(v) for v in losses.values())


def test_pseudo_labels_for_classification_only(tiny_neu):
    keep_all = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.)
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=keep_all,
                   unsup_loss_weights=dict(loss_bbox=0., loss_dfl=0.))
    model = build(cfg)
    set_iter(5)
    batch = first_batch(cfg)
    losses = train_step(model, batch)
    assert losses['unsup_num_pseudo'] > 0 and losses['unsup_loss_cls'] > 0
    assert losses['unsup_loss_bbox'] == 0 and losses['unsup_loss_dfl'] == 0
    assert losses['sup_loss_bbox'] > 0
    model.semi_train_cfg.unsup_loss_weights = dict(loss_box=0.)
    with pytest.raises(KeyError, match="no loss 'loss_box'"):
        train_step(model, batch)


def test_zero_unlabeled_weights_train_supervised_only(tiny_neu):
    """The ablation's supervised row: no unlabeled branch is run."""
    cfg = tiny_cfg(tiny_neu, unsup_weight=0., consistency_weight=0.)
    model = build(cfg)
    set_iter(5)
    with captured_outputs(model.teacher.bbox_head) as teacher_calls:
        losses = train_step(model, first_batch(cfg))
    assert teacher_calls == []
    assert not any(key.startswith('unsup') for key in losses)
    assert {'sup_loss_cls', 'sup_loss_bbox', 'sup_loss_dfl'} <= set(losses)


def test_consistency_only_needs_no_teacher_detections(tiny_neu,
                                                     monkeypatch):
    """Table 1 line 18 as written (``unsup_weight`` 0): the student learns
    from the unlabeled images through eq. (2) alone; the teacher's
    detections are not computed, and its BN statistics are not touched."""
    cfg = tiny_cfg(tiny_neu, unsup_weight=0., consistency_weight=1.)
    model = build(cfg)

    def no_detections(*args, **kwargs):
        raise AssertionError('teacher detections computed')

    monkeypatch.setattr(model, 'teacher_predict', no_detections)
    buffers = copy.deepcopy(dict(model.teacher.named_buffers()))
    set_iter(5)
    with captured_outputs(model.teacher.bbox_head) as teacher_calls:
        losses = train_step(model, first_batch(cfg))
    assert len(teacher_calls) == 1
    assert model.student.training and not model.teacher.training
    assert set(k for k in losses if k.startswith('unsup')) == {
        'unsup_loss_consistency', 'unsup_ramp'
    }
    assert losses['unsup_loss_consistency'] > 0
    for name, value in model.teacher.named_buffers():
        assert torch.equal(value, buffers[name]), name


def test_teacher_gets_no_gradient(tiny_neu):
    cfg = tiny_cfg(tiny_neu)
    model = build(cfg)
    before = copy.deepcopy(model.teacher.state_dict())
    set_iter(5)
    train_step(model, first_batch(cfg))
    assert not any(p.requires_grad for p in model.teacher.parameters())
    assert all(p.grad is None for p in model.teacher.parameters())
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, before[key]), key


def bn_statistics(detector):
    return {
        name: value.clone()
        for name, value in detector.state_dict().items()
        if name.endswith(('running_mean', 'running_var',
                          'num_batches_tracked'))
    }


@pytest.mark.parametrize('unsup_weight', [1., 0.], ids=['dsym', 'cons-only'])
@pytest.mark.parametrize('from_unlabeled', [False, True])
def test_bn_statistics_come_from_the_labeled_images(tiny_neu, unsup_weight,
                                                    from_unlabeled):
    """By default the student's passes over the strong views leave its BN
    running statistics as the labeled pass made them (bit for bit), and the
    step still trains; ``bn_stats_from_unlabeled`` restores the plain mean
    teacher."""
    cfg = tiny_cfg(tiny_neu,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=0.0),
                   unsup_weight=unsup_weight,
                   bn_stats_from_unlabeled=from_unlabeled)
    model = build(cfg)
    model.train()
    data = model.data_preprocessor(first_batch(cfg), True)
    labeled_only = copy.deepcopy(model.student)
    labeled_only.loss(data['inputs']['sup'], data['data_samples']['sup'])
    expected = bn_statistics(labeled_only)
    start = bn_statistics(model.student)
    set_iter(5)
    losses = model.loss(data['inputs'], data['data_samples'])
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert losses['unsup_loss_consistency'] > 0
    after = bn_statistics(model.student)
    moved = [k for k in after if not torch.equal(after[k], start[k])]
    assert moved  # the labeled pass updated them
    as_labeled = all(torch.equal(after[k], expected[k]) for k in after)
    assert as_labeled != from_unlabeled
    assert all(m.track_running_stats for m in model.student.modules()
               if isinstance(m, torch.nn.BatchNorm2d))


def test_burn_in_switch_and_ema_of_parameters_and_bn_buffers(tiny_neu):
    cfg = tiny_cfg(tiny_neu)
    model = build(cfg)
    hook = HOOKS.build(dict(type='mmdet.BurnInMeanTeacherHook', momentum=0.25))
    runner = SimpleNamespace(model=model, iter=0)

    def student_moves():
        with torch.no_grad():
            for p in model.student.parameters():
                p.add_(torch.randn_like(p))
            for name, buf in model.student.named_buffers():
                if 'running_mean' in name:
                    buf.add_(1.)

    hook.before_train(runner)  # iter 0: teacher = student
    student_moves()
    teacher = copy.deepcopy(model.teacher.state_dict())
    runner.iter = 0  # iteration 1 of a 2-iteration burn-in: no update
    hook.after_train_iter(runner, 0)
    assert all(torch.equal(v, teacher[k])
               for k, v in model.teacher.state_dict().items())
    set_iter(1)
    assert model.in_burn_in()
    runner.iter = 1  # the last burn-in iteration: teacher := student
    hook.after_train_iter(runner, 1)
    for (k, t), s in zip(model.teacher.state_dict().items(),
                         model.student.state_dict().values()):
        assert torch.equal(t, s), k
    set_iter(2)
    assert not model.in_burn_in()
    teacher = copy.deepcopy(model.teacher.state_dict())
    student_moves()
    runner.iter = 2  # after the switch: EMA of parameters and BN buffers
    hook.after_train_iter(runner, 2)
    student = model.student.state_dict()
    for key, t in model.teacher.state_dict().items():
        if t.dtype.is_floating_point:
            torch.testing.assert_close(
                t, 0.75 * teacher[key] + 0.25 * student[key])
    name = next(k for k in student if k.endswith('running_mean'))
    assert not torch.equal(model.teacher.state_dict()[name], teacher[name])


def view_sample(homography, shape=(64, 64)):
    s = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape,
                                    homography_matrix=homography,
                                    scale_factor=(1., 1.),
                                    batch_input_shape=shape))
    s.gt_instances = InstanceData(bboxes=torch.zeros(0, 4),
                                  labels=torch.zeros(0, dtype=torch.long))
    return s


def flipped_pseudo_labels(tiny_neu, monkeypatch, **semi_train_cfg):
    """Teacher view: identity. Student view: horizontal flip of a 64-wide
    image. The teacher predicts (10, 20, 30, 40) at 0.9 and (0, 0, 5, 5) at
    0.3; the filter keeps scores above 0.5."""
    keep_confident = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.5)
    model = build(
        tiny_cfg(tiny_neu, pseudo_label_filter=keep_confident,
                 **semi_train_cfg))
    boxes = torch.tensor([[10., 20., 30., 40.], [0., 0., 5., 5.]])

    def fake_predict(inputs, samples, rescale=False):
        out = DetDataSample()
        out.pred_instances = InstanceData(
            bboxes=boxes.clone(), scores=torch.tensor([0.9, 0.3]),
            labels=torch.tensor([2, 1]))
        return [out]

    monkeypatch.setattr(model.teacher, 'predict', fake_predict)
    # float32, as MMDetection's transforms record them
    flip = np.array([[-1., 0., 64.], [0., 1., 0.], [0., 0., 1.]], np.float32)
    teacher_samples = [view_sample(np.eye(3, dtype=np.float32))]
    student_samples = [view_sample(flip)]
    set_iter(5)
    pseudo, info = model.get_pseudo_instances(torch.zeros(1, 3, 64, 64),
                                              teacher_samples)
    return model.project_pseudo_instances(pseudo, student_samples), info


def test_pseudo_labels_land_in_the_strong_view(tiny_neu, monkeypatch):
    """The kept box (10, 20, 30, 40) must reach the student at
    (34, 20, 54, 40); the dropped one is background."""
    projected, info = flipped_pseudo_labels(tiny_neu, monkeypatch)
    assert info == dict(num_candidates=2, num_kept=1, num_ignored=0)
    torch.testing.assert_close(projected[0].gt_instances.bboxes,
                               torch.tensor([[34., 20., 54., 40.]]))
    assert projected[0].gt_instances.labels.tolist() == [2]
    assert 'ignored_instances' not in projected[0]


@pytest.mark.parametrize('thr,ignored', [(0.2, 1), (0.4, 0)])
def test_uncertain_teacher_boxes_are_ignored_in_the_strong_view(
        tiny_neu, monkeypatch, thr, ignored):
    """With ``ignore_score_thr`` the dropped box scoring at least that much
    reaches the student's view as an ignored region, flipped like the
    pseudo-labels."""
    projected, info = flipped_pseudo_labels(
        tiny_neu, monkeypatch, ignore_score_thr=thr)
    assert info == dict(num_candidates=2, num_kept=1, num_ignored=ignored)
    assert projected[0].gt_instances.labels.tolist() == [2]
    expected = torch.tensor([[59., 0., 64., 5.]])[:ignored]
    torch.testing.assert_close(projected[0].ignored_instances.bboxes,
                               expected.reshape(-1, 4))


@pytest.mark.parametrize('thr', [None, 0.2])
def test_ignored_classes_turn_kept_boxes_into_ignored_regions(
        tiny_neu, monkeypatch, thr):
    """With ``ignored_classes=(2, )`` the kept box of class 2 reaches the
    student's view as an ignored region, not as a pseudo-label; the
    uncertain box of class 1 is ignored only with ``ignore_score_thr``."""
    projected, info = flipped_pseudo_labels(
        tiny_neu, monkeypatch, ignore_score_thr=thr, ignored_classes=(2, ))
    ignored = 1 if thr is None else 2
    assert info == dict(num_candidates=2, num_kept=0, num_ignored=ignored)
    assert len(projected[0].gt_instances) == 0
    torch.testing.assert_close(
        projected[0].ignored_instances.bboxes,
        torch.tensor([[34., 20., 54., 40.], [59., 0., 64., 5.]])[:ignored])
    assert projected[0].ignored_instances.labels.tolist() == [2, 1][:ignored]
    # a class the teacher did not predict changes nothing
    projected, info = flipped_pseudo_labels(
        tiny_neu, monkeypatch, ignored_classes=(0, 4))
    assert info == dict(num_candidates=2, num_kept=1, num_ignored=0)
    assert projected[0].gt_instances.labels.tolist() == [2]


KEEP_ALL = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.0)


def score_weighted_cfg(tiny_neu, **semi_train_cfg):
    """Every teacher box kept, with its score as weight unless
    ``score_weighted_pseudo_labels=False``, and the YOLOv9 head's assigner
    that reads the weights."""
    semi_train_cfg.setdefault('score_weighted_pseudo_labels', True)
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=KEEP_ALL, **semi_train_cfg)
    cfg.model.detector.train_cfg.assigner.type = \
        'ScoreWeightedTaskAlignedAssigner'
    return cfg


def spy_on_gt_weights(model, monkeypatch, field='gt_weights'):
    """The ground-truth weights (or ``box_weights``) of each weighted
    assignment, as a list that fills while the student trains."""
    assigner = model.student.bbox_head.assigner
    seen = []
    weighted_by = assigner.weighted_by

    def spy(gt_weights=None, box_weights=None):
        weights = dict(gt_weights=gt_weights, box_weights=box_weights)
        seen.append(weights[field].clone())
        return weighted_by(gt_weights, box_weights)

    monkeypatch.setattr(assigner, 'weighted_by', spy)
    return seen


def test_score_weighted_pseudo_labels_carry_the_teachers_confidence(
        tiny_neu, monkeypatch):
    """The kept box reaches the student's view with the teacher's score as
    its weight, and a whole train step runs with the weighted assigner."""
    projected, _ = flipped_pseudo_labels(
        tiny_neu, monkeypatch, score_weighted_pseudo_labels=True)
    torch.testing.assert_close(projected[0].gt_instances.weights,
                               torch.tensor([0.9]))
    plain, _ = flipped_pseudo_labels(tiny_neu, monkeypatch)
    assert 'weights' not in plain[0].gt_instances
    cfg = score_weighted_cfg(tiny_neu)
    model = build(cfg)
    seen = spy_on_gt_weights(model, monkeypatch)
    set_iter(5)
    losses = train_step(model, first_batch(cfg))
    assert all(torch.isfinite(v) for v in losses.values())
    assert losses['unsup_num_pseudo'] > 0 and losses['unsup_loss_cls'] > 0
    # only the pseudo-labels carry weights: one weighted assignment, with
    # the kept boxes' scores (padding rows 0)
    assert len(seen) == 1
    assert (seen[0] > 0).sum() == losses['unsup_num_pseudo']
    assert seen[0].max() <= 1


def test_score_weighted_pseudo_labels_need_a_head_that_reads_weights(
        tiny_neu):
    cfg = tiny_cfg(tiny_neu, TOOD_CONFIG, score_weighted_pseudo_labels=True)
    with pytest.raises(ValueError, match='TOODHead would ignore them'):
        build(cfg)


def test_ignored_boxes_need_a_head_that_leaves_them_out(tiny_neu):
    """TOOD's task-aligned assigner drops ignored instances: with
    ``ignore_score_thr`` the uncertain boxes would silently become
    background again."""
    cfg = tiny_cfg(tiny_neu, TOOD_CONFIG, ignore_score_thr=0.1)
    with pytest.raises(ValueError, match='TOODHead would learn as'):
        build(cfg)
    cfg = tiny_cfg(tiny_neu, TOOD_CONFIG, ignored_classes=(0, ))
    with pytest.raises(ValueError,
                       match='ignored_classes .*TOODHead would learn as'):
        build(cfg)
    # the YOLOv9 head leaves them out: the same option builds
    assert build(tiny_cfg(tiny_neu, ignore_score_thr=0.1)).semi_train_cfg[
        'ignore_score_thr'] == 0.1


@pytest.mark.parametrize('nested', [False, True])
def test_filter_thresholds_must_cover_the_heads_classes(tiny_neu, nested):
    """A config for another dataset that keeps NEU-DET's boxes_per_image
    fails when the model is built, naming the key, not mid-training."""
    five = dict(type='mmdet.ClassFrequencyThresholdFilter',
                boxes_per_image=[0.3] * 5)
    filt = dict(type='mmdet.SequentialPseudoLabelFilter', filters=[
        dict(type='mmdet.ClasswiseNMSFilter', iou_threshold=0.5), five
    ]) if nested else five
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=filt)
    key = 'pseudo_label_filter.filters.1' if nested else 'pseudo_label_filter'
    with pytest.raises(ValueError,
                       match=rf'semi_train_cfg\.{key} has thresholds for 5 '
                       r"classes; the detector's head predicts 6"):
        build(cfg)
    five['boxes_per_image'] = [0.3] * 6  # one per class: it builds
    assert build(tiny_cfg(tiny_neu, pseudo_label_filter=filt)) is not None


FLIP_AGREEMENT = dict(iou_thr=0.7, score_thr=0.1)


def mirror_aware_teacher(model, monkeypatch, seen):
    """The teacher sees a 48-wide image at the top left of a 64 x 64 batch;
    the image's left column is 1, everything else 0. On the image it finds
    A (class 2) at (10, 20, 30, 40) and B (class 1) at (0, 0, 5, 5); on
    the mirrored image, A's mirror (18, 23, 38, 40), B's mirror with
    another class, and a class-1 box elsewhere."""

    def fake_predict(inputs, samples, rescale=False):
        seen.append(inputs.clone())
        mirrored = inputs[0, 0, 0, 0] == 0
        if mirrored:
            bboxes = [[18., 23., 38., 40.], [43., 0., 48., 5.],
                      [20., 40., 30., 50.]]
            labels, scores = [2, 0, 1], [0.8, 0.9, 0.9]
        else:
            bboxes = [[10., 20., 30., 40.], [0., 0., 5., 5.]]
            labels, scores = [2, 1], [0.9, 0.6]
        out = DetDataSample()
        out.pred_instances = InstanceData(
            bboxes=torch.tensor(bboxes), scores=torch.tensor(scores),
            labels=torch.tensor(labels))
        return [out]

    monkeypatch.setattr(model.teacher, 'predict', fake_predict)
    inputs = torch.zeros(1, 3, 64, 64)
    inputs[..., :50, 0] = 1
    sample = view_sample(np.eye(3, dtype=np.float32), shape=(50, 48))
    sample.set_metainfo(dict(ori_shape=(50, 48)))
    return inputs, [sample]


@pytest.mark.parametrize('ignore_thr,ignored', [(None, None), (0.5, 1)])
def test_pseudo_labels_the_mirrored_view_disowns_are_dropped(
        tiny_neu, monkeypatch, ignore_thr, ignored):
    """A is found again on the mirrored view (IoU 0.85 after mirroring
    back within the image's 48 columns, not the batch's 64) and stays; B's
    mirror has another class, so B is dropped, or ignored with
    ``ignore_score_thr``. The mirror flips the image, not the padding."""
    keep_all = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.5)
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=keep_all,
                   flip_agreement=FLIP_AGREEMENT)
    if ignore_thr is not None:
        cfg.model.semi_train_cfg.ignore_score_thr = ignore_thr
    model = build(cfg)
    seen = []
    inputs, samples = mirror_aware_teacher(model, monkeypatch, seen)
    set_iter(5)
    pseudo, info = model.get_pseudo_instances(inputs, samples)
    assert len(seen) == 2
    assert seen[1][..., :50, 47].eq(1).all()  # the image's left column
    assert seen[1][..., :50, :47].eq(0).all()
    assert seen[1][..., 50:, :].eq(0).all() and seen[1][..., 48:].eq(0).all()
    assert pseudo[0].gt_instances.labels.tolist() == [2]
    torch.testing.assert_close(pseudo[0].gt_instances.bboxes,
                               torch.tensor([[10., 20., 30., 40.]]))
    assert info['num_flip_dropped'] == 1 and info['num_kept'] == 1
    if ignored is None:
        assert 'ignored_instances' not in pseudo[0]
    else:
        assert pseudo[0].ignored_instances.labels.tolist() == [1]
    # a stricter IoU than A's 0.85 drops A as well
    model.semi_train_cfg.flip_agreement = dict(FLIP_AGREEMENT, iou_thr=0.9)
    inputs, samples = mirror_aware_teacher(model, monkeypatch, seen)
    pseudo, info = model.get_pseudo_instances(inputs, samples)
    assert len(pseudo[0].gt_instances) == 0
    assert info['num_flip_dropped'] == 2


def test_flip_agreement_off_asks_the_teacher_once(tiny_neu, monkeypatch):
    keep_all = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.5)
    model = build(tiny_cfg(tiny_neu, pseudo_label_filter=keep_all))
    seen = []
    inputs, samples = mirror_aware_teacher(model, monkeypatch, seen)
    set_iter(5)
    pseudo, info = model.get_pseudo_instances(inputs, samples)
    assert len(seen) == 1 and 'num_flip_dropped' not in info
    assert pseudo[0].gt_instances.labels.tolist() == [2, 1]


def test_flip_agreement_names_what_it_misses(tiny_neu):
    with pytest.raises(ValueError, match=r"\['score_thr'\] missing"):
        build(tiny_cfg(tiny_neu, flip_agreement=dict(iou_thr=0.7)))


def test_flip_agreement_in_a_train_step(tiny_neu):
    """With every candidate kept, the mirrored view's check runs in a real
    step and its count reaches the log."""
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=KEEP_ALL,
                   flip_agreement=FLIP_AGREEMENT, ignore_score_thr=0.)
    model = build(cfg)
    set_iter(5)
    losses = train_step(model, first_batch(cfg))
    assert all(torch.isfinite(v) for v in losses.values())
    assert losses['unsup_num_flip_dropped'] >= 0
    # a kept candidate is a pseudo-label or was dropped by the check
    assert losses['unsup_num_candidates'] >= (
        losses['unsup_num_pseudo'] + losses['unsup_num_flip_dropped'])


def test_teacher_flip_fusion_ranks_what_both_views_find(tiny_neu,
                                                       monkeypatch):
    """A, found on both views (IoU 0.85 once mirrored back), keeps its mean
    score 0.85 in the mean of its two boxes; B and the mirrored view's
    other boxes are found by one view of two and score half, below the
    filter's 0.5."""
    keep = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.5)
    model = build(
        tiny_cfg(tiny_neu, pseudo_label_filter=keep,
                 teacher_flip_fusion=dict(iou_thr=0.55)))
    seen = []
    inputs, samples = mirror_aware_teacher(model, monkeypatch, seen)
    set_iter(5)
    pseudo, info = model.get_pseudo_instances(inputs, samples)
    assert len(seen) == 2 and seen[1][..., :50, 47].eq(1).all()
    assert info['num_candidates'] == 4 and 'num_flip_dropped' not in info
    kept = pseudo[0].gt_instances
    assert kept.labels.tolist() == [2]
    torch.testing.assert_close(kept.scores, torch.tensor([0.85]))
    y1 = (0.9 * 20 + 0.8 * 23) / 1.7
    torch.testing.assert_close(kept.bboxes,
                               torch.tensor([[10., y1, 30., 40.]]))


@pytest.mark.parametrize('semi_train_cfg,message', [
    (dict(teacher_flip_fusion=dict()), 'teacher_flip_fusion needs iou_thr'),
    (dict(teacher_flip_fusion=dict(iou_thr=0.55),
          flip_agreement=FLIP_AGREEMENT), 'remove flip_agreement'),
])
def test_teacher_flip_fusion_names_what_is_wrong(tiny_neu, semi_train_cfg,
                                                  message):
    with pytest.raises(ValueError, match=message):
        build(tiny_cfg(tiny_neu, **semi_train_cfg))


def test_teacher_flip_fusion_in_a_train_step(tiny_neu):
    """The real teacher on both views, fused, in a real step: the step's
    candidates are the two views' detections fused (the mirrored view's
    mirrored back in place), and the losses are finite."""
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=KEEP_ALL,
                   teacher_flip_fusion=dict(iou_thr=0.55))
    model = build(cfg)
    set_iter(5)
    calls = []
    view_predict = model.teacher_view_predict

    def counted(*args, **kwargs):
        calls.append(view_predict(*args, **kwargs))
        return calls[-1]

    model.teacher_view_predict = counted
    losses = train_step(model, first_batch(cfg))
    assert all(torch.isfinite(v) for v in losses.values())
    assert len(calls) == 2
    fused = [fuse_two_views(*views, 0.55) for views in zip(*calls)]
    assert losses['unsup_num_candidates'] == sum(map(len, fused))
    assert sum(map(len, calls[1])) > 0


def partner_checkpoint(cfg, path) -> dict:
    """A supervised checkpoint of the config's detector, randomly
    initialised with its own seed, at ``path``; returns its state."""
    init_default_scope(cfg.default_scope)
    torch.manual_seed(1)
    detector = MODELS.build(cfg.model.detector)
    detector.init_weights()
    state = detector.state_dict()
    torch.save(dict(state_dict=state), path)
    return state


def test_teacher_partner_fuses_a_frozen_second_detector(tiny_neu, tmp_path):
    """The partner loads its checkpoint, stays frozen and in eval mode
    through a real step, and the step's candidates are the teacher's
    detections fused with the partner's on the same view."""
    path = str(tmp_path / 'partner.pth')
    cfg = tiny_cfg(tiny_neu, pseudo_label_filter=KEEP_ALL)
    state = partner_checkpoint(cfg, path)
    cfg.model.semi_train_cfg.teacher_partner = dict(checkpoint=path,
                                                    iou_thr=0.55)
    model = build(cfg)
    partner = model.teacher_partner
    for name, value in partner.state_dict().items():
        torch.testing.assert_close(value, state[name], msg=name)
    teacher = model.teacher.state_dict()  # the partner is not the teacher
    assert not all(torch.equal(v, teacher[k]) for k, v in state.items())
    assert not any(p.requires_grad for p in partner.parameters())
    set_iter(5)
    calls = []
    view_predict = model.teacher_view_predict

    def counted(*args, **kwargs):
        calls.append((kwargs.get('detector'), view_predict(*args, **kwargs)))
        return calls[-1][1]

    model.teacher_view_predict = counted
    losses = train_step(model, first_batch(cfg))
    assert all(torch.isfinite(v) for v in losses.values())
    assert [detector for detector, _ in calls] == [None, partner]
    assert not partner.training and model.student.training
    fused = [
        fuse_two_views(own, other, 0.55)
        for own, other in zip(calls[0][1], calls[1][1])
    ]
    assert losses['unsup_num_candidates'] == sum(map(len, fused))
    for name, value in partner.state_dict().items():
        torch.testing.assert_close(value, state[name], msg=name)


@pytest.mark.parametrize('semi_train_cfg,message', [
    (dict(teacher_partner=dict(iou_thr=0.55)),
     r"teacher_partner needs .*\['checkpoint'\] missing"),
    (dict(teacher_partner=dict(checkpoint='x.pth', iou_thr=0.55),
          teacher_flip_fusion=dict(iou_thr=0.55)), 'keep one of them'),
], ids=['no-checkpoint', 'with-flip-fusion'])
def test_teacher_partner_names_what_is_wrong(tiny_neu, semi_train_cfg,
                                             message):
    with pytest.raises(ValueError, match=message):
        build(tiny_cfg(tiny_neu, **semi_train_cfg))


@pytest.mark.parametrize('checkpoint,error', [
    ('missing', FileNotFoundError),
    ('whole model', CheckpointMismatchError),
])
def test_teacher_partner_names_a_checkpoint_that_does_not_fit(
        tiny_neu, tmp_path, checkpoint, error):
    """A missing file, or a checkpoint of another model (here a whole DSYM
    model's, whose keys start with ``student.``), stops the training's
    initialisation with the field's name; building the model does not need
    the file (a test run loads a whole checkpoint)."""
    path = str(tmp_path / 'partner.pth')
    cfg = tiny_cfg(tiny_neu,
                   teacher_partner=dict(checkpoint=path, iou_thr=0.55))
    if checkpoint == 'whole model':
        torch.save(dict(state_dict=build(tiny_cfg(tiny_neu)).state_dict()),
                   path)
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    with pytest.raises(error,
                       match='semi_train_cfg.teacher_partner.checkpoint: '):
        model.init_weights()


def test_teacher_boxes_are_not_clipped_to_the_original_image(tiny_neu):
    """A 50 px image seen at 64 px: the real YOLOv9 teacher's boxes must
    span the whole view (MMYOLO's heads clip to ``ori_shape`` unless DSYM
    says otherwise), and reach the original image's right and bottom edges
    once projected back."""
    keep_all = dict(type='mmdet.ScoreThresholdFilter', score_thr=0.)
    model = build(tiny_cfg(tiny_neu, pseudo_label_filter=keep_all))
    scale = np.diag([64 / 50, 64 / 50, 1.]).astype(np.float32)
    sample = view_sample(scale)
    sample.set_metainfo(dict(ori_shape=(50, 50)))
    torch.manual_seed(0)
    inputs = torch.rand(1, 3, 64, 64)
    view_boxes = model.teacher_predict(inputs, [sample])[0].bboxes
    assert len(view_boxes) > 0
    assert view_boxes[:, 2:].max() > 55 and view_boxes.max() <= 64
    assert sample.ori_shape == (50, 50)  # the caller's sample is untouched
    pseudo, _ = model.get_pseudo_instances(inputs, [sample])
    original = pseudo[0].gt_instances.bboxes
    assert original[:, 2:].max() > 55 * 50 / 64 and original.max() <= 50


def test_teacher_gives_side_spreads_on_request(tiny_neu):
    """The YOLOv9 teacher's detections carry the spreads of their DFL
    sides when asked (the pseudo-label analysis reads them); a head
    without DFL sides is refused by name."""
    model = build(tiny_cfg(tiny_neu))
    inputs = torch.rand(2, 3, 64, 64)
    samples = [view_sample(np.eye(3, dtype=np.float32)) for _ in range(2)]
    plain = model.teacher_predict(inputs, samples)
    spread = model.teacher_predict(inputs, samples, with_side_spreads=True)
    assert 'side_spreads' not in plain[0]
    for without, inst in zip(plain, spread):
        assert len(inst) > 0 and inst.side_spreads.shape == (len(inst), 4)
        # each detection its own prior's spreads, not one row for all
        assert len(inst.side_spreads.unique(dim=0)) > 1
        # the same detections: asking does not change the prediction
        torch.testing.assert_close(inst.bboxes, without.bboxes)
    tood = build(tiny_cfg(tiny_neu, TOOD_CONFIG))
    with pytest.raises(ValueError, match='TOODHead has no DFL box sides'):
        tood.teacher_predict(inputs, samples, with_side_spreads=True)


def test_teacher_pseudo_labels_use_their_own_test_cfg(tiny_neu, monkeypatch):
    """The YOLOv9 configs evaluate with NMS at the protocol's IoU 0.5 while
    the teacher's pseudo-labels keep 0.7; the head's own test_cfg is back
    once the teacher has predicted, even when prediction fails."""
    cfg = tiny_cfg(tiny_neu)
    assert cfg.model.detector.test_cfg.nms.iou_threshold == 0.5
    assert cfg.model.semi_train_cfg.teacher_test_cfg.nms.iou_threshold == 0.7
    model = build(cfg)
    head = model.teacher.bbox_head
    own = head.test_cfg
    seen = []
    predict_by_feat = head.predict_by_feat

    def spy(*args, **kwargs):
        seen.append(head.test_cfg)
        return predict_by_feat(*args, **kwargs)

    monkeypatch.setattr(head, 'predict_by_feat', spy)
    inputs = torch.rand(1, 3, 64, 64)
    model.teacher_predict(inputs, [view_sample(np.eye(3, dtype=np.float32))])
    assert seen[-1].nms.iou_threshold == 0.7
    # the other keys are the detector's
    assert seen[-1].max_per_img == own.max_per_img
    assert head.test_cfg is own
    model.eval()
    model.predict(inputs, [view_sample(np.eye(3, dtype=np.float32))])
    assert seen[-1].nms.iou_threshold == 0.5

    def fail(*args, **kwargs):
        raise RuntimeError('boom')

    monkeypatch.setattr(head, 'predict_by_feat', fail)
    with pytest.raises(RuntimeError, match='boom'):
        model.teacher_predict(inputs,
                              [view_sample(np.eye(3, dtype=np.float32))])
    assert head.test_cfg is own


def test_consistency_loss_is_eq2_squared_norm_per_image(tiny_neu):
    """Eq. (2), 1/N sum_i ||s_i - t_i||^2, on two images and two levels."""
    model = build(tiny_cfg(tiny_neu))
    torch.manual_seed(0)
    student = [torch.randn(2, 6, 4, 4), torch.randn(2, 6, 2, 2)]
    teacher = [torch.randn(2, 6, 4, 4), torch.randn(2, 6, 2, 2)]
    per_image = [
        sum(((s[i].sigmoid() - t[i].sigmoid())**2).sum()
            for s, t in zip(student, teacher)) for i in range(2)
    ]
    torch.testing.assert_close(
        model.consistency_loss(student, teacher), sum(per_image) / 2)
    model.semi_train_cfg.consistency_activation = None  # probabilities in
    probs = [x.sigmoid() for x in student], [x.sigmoid() for x in teacher]
    torch.testing.assert_close(
        model.consistency_loss(*probs), sum(per_image) / 2)


def test_class_adaptive_thresholds_follow_the_teacher():
    filt = ClassAdaptiveThresholdFilter(3, score_thr=0.6, min_thr=0.2,
                                        momentum=0.5)
    assert torch.allclose(filt.thresholds, torch.full((3, ), 0.6))
    batch = [InstanceData(scores=torch.tensor([0.9, 0.9, 0.45, 0.45, 0.1]),
                          labels=torch.tensor([0, 0, 1, 1, 2]))]
    masks = filt.keep_masks(batch, torch.zeros(1), [], 0.)
    # class 0 mean 0.9 -> 0.6; class 1 mean 0.45 -> 0.2 + 0.4 * 0.5 = 0.4;
    # class 2 never above min_thr -> stays at 0.6
    torch.testing.assert_close(filt.thresholds, torch.tensor([0.6, 0.4, 0.6]))
    assert masks[0].tolist() == [True, True, True, True, False]
    state = filt.state_dict()
    assert set(state) == {'mean_scores', 'seen'}  # saved with the model


def test_class_frequency_thresholds_keep_the_labeled_box_density():
    # 2 images; the labeled set has 1.0 box per image of class 0, 0.5 of
    # class 1 and 1.0 of class 2
    filt = ClassFrequencyThresholdFilter([1.0, 0.5, 1.0], min_thr=0.1,
                                         max_thr=0.8, momentum=0.5)
    batch = [
        InstanceData(scores=torch.tensor([0.3, 0.2, 0.95]),
                     labels=torch.tensor([0, 1, 1])),
        InstanceData(scores=torch.tensor([0.25, 0.05, 0.15, 0.9]),
                     labels=torch.tensor([0, 0, 1, 0])),
    ]
    masks = filt.keep_masks(batch, torch.zeros(1), [], 0.)
    # class 0: 2nd best of (0.9, 0.3, 0.25, 0.05) = 0.3; class 1: best of
    # (0.95, 0.2, 0.15) = 0.95 -> clipped to 0.8; class 2: no candidates
    torch.testing.assert_close(filt.thresholds, torch.tensor([0.3, 0.8, 0.8]))
    assert [m.tolist() for m in masks] == [[True, False, True],
                                           [False, False, False, True]]
    assert filt.seen.tolist() == [True, True, False]
    # the next batch moves the thresholds half way (momentum 0.5)
    filt.keep_masks([InstanceData(scores=torch.tensor([0.5, 0.02]),
                                  labels=torch.tensor([0, 2]))],
                    torch.zeros(1), [], 0.)
    torch.testing.assert_close(filt.thresholds,
                               torch.tensor([0.4, 0.8, 0.1]))  # 0.02 -> 0.1
    # frozen in eval mode, and saved with the model
    filt.eval()
    filt.keep_masks(batch, torch.zeros(1), [], 0.)
    torch.testing.assert_close(filt.thresholds,
                               torch.tensor([0.4, 0.8, 0.1]))
    assert set(filt.state_dict()) == {'thresholds', 'seen'}


def test_fine_tuning_config_starts_both_models_from_a_checkpoint(tmp_path):
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'dsym',
                 'dsym_yolov9_t_3k-from-sup_neu-det-40pct.py'))
    init_default_scope(cfg.default_scope)
    detector_cfg = copy.deepcopy(cfg.model.detector)
    detector_cfg.pop('init_cfg')
    supervised = MODELS.build(detector_cfg)
    supervised.init_weights()
    checkpoint = str(tmp_path / 'epoch_100.pth')
    torch.save(dict(state_dict=supervised.state_dict()), checkpoint)
    cfg.model.detector.init_cfg.checkpoint = checkpoint
    model = build(cfg)
    student, teacher = model.student.state_dict(), model.teacher.state_dict()
    for name, value in supervised.state_dict().items():
        assert torch.equal(student[name], value), name
        assert torch.equal(teacher[name], value), name
    assert model.burn_in_iters == 0


@pytest.mark.parametrize('view', ['strong', 'sup_aug'])
def test_real_views_project_boxes_like_the_transforms_move_them(
        tiny_neu, view):
    """Through the config's real weak pipeline and a student view (the
    strong one, or the labeled images' augmentation, whose YOLOv5 affine
    records its homography), with labels loaded for the check,
    teacher-view boxes projected the way DSYM projects pseudo-labels land
    on the student view's own boxes."""
    from mmdet.registry import DATASETS
    from mmdet.structures.bbox import (bbox_overlaps, bbox_project,
                                       get_box_tensor)
    cfg = tiny_cfg(tiny_neu)
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset.datasets[0])
    dataset_cfg.pipeline = copy.deepcopy(
        [*cfg.neu_semi_oracle_load, cfg.neu_semi_unsup_branches[view]])
    init_default_scope(cfg.default_scope)
    dataset = DATASETS.build(dataset_cfg)
    np.random.seed(0)  # the transforms draw from numpy and random
    random.seed(0)
    ious = []
    for i in range(len(dataset)):
        for _ in range(3):  # several random views of each image
            views = dataset[i]['data_samples']
            teacher, student = views['unsup_teacher'], views['unsup_student']
            if len(student.gt_instances) != len(teacher.gt_instances):
                continue  # a box left the student's view
            to_orig = torch.as_tensor(teacher.homography_matrix).inverse()
            boxes = bbox_project(get_box_tensor(teacher.gt_instances.bboxes),
                                 to_orig.float(), teacher.ori_shape)
            boxes = bbox_project(
                boxes, torch.as_tensor(student.homography_matrix).float(),
                student.img_shape)
            target = get_box_tensor(student.gt_instances.bboxes)
            # a box pushed off the image is clipped to a line in both; DSYM
            # drops such pseudo-boxes (min_pseudo_bbox_wh)
            inside = ((target[:, 2:] - target[:, :2]) > 1).all(1)
            ious.append(bbox_overlaps(boxes, target, is_aligned=True)[inside])
    ious = torch.cat(ious)
    assert len(ious) >= 10 and ious.min() > 0.99


ORACLE_CONFIG = osp.join(
    REPO, 'configs', 'dsym',
    'dsym-oracle-unsup-path_yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py')
ORACLE_WEAK_STUDENT_CONFIG = ORACLE_CONFIG.replace(
    'unsup-path_', 'unsup-path-weak-student_')


@pytest.mark.parametrize('config',
                         [ORACLE_CONFIG, ORACLE_WEAK_STUDENT_CONFIG],
                         ids=['strong-student', 'weak-student'])
def test_oracle_pseudo_labels_are_the_student_views_annotations(
        tiny_neu, config):
    """The unlabeled-path oracle's teacher gives the annotations of its weak
    view; projected like pseudo-labels, they are the student view's own
    annotations (the pipeline moved those), and the train step learns from
    all of them through DSYM's unlabeled losses."""
    from mmdet.structures.bbox import bbox_overlaps, get_box_tensor
    cfg = tiny_cfg(tiny_neu, config)
    cfg.train_dataloader.dataset.datasets[1].ann_file = \
        'annotations/labeled_tiny.json'  # the oracle reads labels
    model = build(cfg)
    assert type(model).__name__ == 'OracleLabelDSYM'
    torch.manual_seed(0)
    np.random.seed(0)  # the transforms draw from numpy and random
    random.seed(0)
    batch = first_batch(cfg)
    data = model.data_preprocessor(copy.deepcopy(batch), True)
    inputs, samples = data['inputs'], data['data_samples']
    own = [copy.deepcopy(s.gt_instances) for s in samples['unsup_student']]
    set_iter(5)
    pseudo, info = model.get_pseudo_instances(inputs['unsup_teacher'],
                                              samples['unsup_teacher'])
    assert info['num_kept'] == info['num_candidates'] > 0
    projected = model.project_pseudo_instances(pseudo,
                                               samples['unsup_student'])
    matched = 0
    for got, want in zip(projected, own):
        target = get_box_tensor(want.bboxes)
        inside = ((target[:, 2:] - target[:, :2]) > 1).all(1)
        if len(got.gt_instances) != inside.sum():
            continue  # a box pushed off the strong view
        ious = bbox_overlaps(got.gt_instances.bboxes, target[inside],
                             is_aligned=True)
        assert ious.min() > 0.99
        assert got.gt_instances.labels.tolist() == \
            want.labels[inside].tolist()
        matched += len(ious)
    assert matched >= 2
    losses = train_step(model, batch)
    assert losses['unsup_num_pseudo'] == info['num_kept']
    assert losses['unsup_loss_cls'] > 0 and 'unsup_loss_consistency' in losses


@pytest.mark.parametrize('oracle', [{}, dict(teacher_hits_only=True)])
def test_oracle_says_when_the_unlabeled_images_carry_no_annotations(
        tiny_neu, oracle):
    model = build(tiny_cfg(tiny_neu, ORACLE_CONFIG, oracle=oracle))
    sample = view_sample(np.eye(3, dtype=np.float32))
    del sample.gt_instances
    sample.set_metainfo(dict(img_path='crazing_3.jpg'))
    with pytest.raises(ValueError, match='crazing_3.jpg.*LoadAnnotations'):
        model.teacher_predict(torch.zeros(1, 3, 64, 64), [sample])


def oracle_view(num_boxes, img_path='crazing_7.jpg'):
    """An identity teacher view of a 200 px image holding ``num_boxes``
    annotated boxes of all six classes in turn."""
    sample = view_sample(np.eye(3, dtype=np.float32), shape=(200, 200))
    sample.set_metainfo(dict(img_path=img_path))
    x = torch.arange(num_boxes, dtype=torch.float) * 2
    sample.gt_instances = InstanceData(
        bboxes=torch.stack([x, x, x + 40, x + 40], 1),
        labels=torch.arange(num_boxes) % 6)
    return sample


def test_oracle_recall_misses_the_same_annotations_every_time(tiny_neu):
    """``oracle.recall`` keeps a fixed share of the annotated boxes: the
    same boxes at every call; ``marked_recall`` makes a further share
    ignored regions (none for the class whose two shares are equal); the
    rest are neither."""
    model = build(
        tiny_cfg(tiny_neu, ORACLE_CONFIG, ignore_score_thr=0.1,
                 oracle=dict(recall=0.5, marked_recall=[0.8] * 5 + [0.5])))
    set_iter(5)
    calls = [
        model.get_pseudo_instances(
            torch.zeros(1, 3, 200, 200), [oracle_view(72)]) for _ in range(2)
    ]
    (first, ), info = calls[0]
    (second, ), _ = calls[1]
    kept, ignored = first.gt_instances, first.ignored_instances
    assert torch.equal(kept.bboxes, second.gt_instances.bboxes)
    assert torch.equal(ignored.bboxes, second.ignored_instances.bboxes)
    assert 24 <= len(kept) <= 48  # about half of 72
    assert 8 <= len(ignored) <= 28  # about 0.3 of the 60 in classes 0-4
    assert 5 not in ignored.labels.tolist()
    assert len(kept) + len(ignored) < 72
    assert info == dict(num_candidates=72, num_kept=len(kept),
                        num_ignored=len(ignored))
    # another image misses other boxes
    (other, ), _ = model.get_pseudo_instances(
        torch.zeros(1, 3, 200, 200), [oracle_view(72, 'patches_9.jpg')])
    assert not torch.equal(other.gt_instances.bboxes, kept.bboxes)


def oracle_pseudo_labels(tiny_neu, monkeypatch, oracle, detections,
                         annotations=None, img_path='crazing_7.jpg'):
    """The pseudo-labels and batch info of an identity teacher view holding
    ``annotations`` (None: no defect), with the oracle's teacher predicting
    ``detections``, picked by a score threshold of 0.5, the candidates
    scoring 0.1 or more ignored."""
    model = build(
        tiny_cfg(tiny_neu, ORACLE_CONFIG, ignore_score_thr=0.1,
                 pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                          score_thr=0.5),
                 oracle=oracle))

    def fake_predict(inputs, samples, rescale=False):
        out = DetDataSample()
        out.pred_instances = detections.clone()
        return [out]

    monkeypatch.setattr(model.teacher, 'predict', fake_predict)
    sample = view_sample(np.eye(3, dtype=np.float32))
    sample.set_metainfo(dict(img_path=img_path))
    if annotations is not None:
        sample.gt_instances = annotations
    set_iter(5)
    (pseudo, ), info = model.get_pseudo_instances(
        torch.zeros(1, 3, 64, 64), [sample])
    return pseudo, info


def test_oracle_adds_the_teachers_false_positives(tiny_neu, monkeypatch):
    """With ``oracle.teacher_false_positives`` the annotations stay and the
    filter's picks among the teacher's detections join them when they match
    no annotation of their class; a detection of an annotated defect stands
    for it and is left out, kept or not; uncertain ones off the
    annotations are ignored."""
    detections = InstanceData(
        bboxes=torch.tensor([[11., 20., 30., 40.],  # the annotation's twin
                             [10., 20., 30., 40.],  # right place, class 3
                             [40., 40., 60., 60.],  # nothing there
                             [12., 21., 30., 40.],  # the twin, uncertain
                             [0., 0., 5., 5.]]),  # uncertain, off
        labels=torch.tensor([2, 3, 1, 2, 1]),
        scores=torch.tensor([0.9, 0.8, 0.7, 0.2, 0.3]))
    pseudo, info = oracle_pseudo_labels(
        tiny_neu, monkeypatch, dict(teacher_false_positives=True),
        detections,
        InstanceData(bboxes=torch.tensor([[10., 20., 30., 40.]]),
                     labels=torch.tensor([2])))
    assert pseudo.gt_instances.labels.tolist() == [2, 3, 1]
    torch.testing.assert_close(pseudo.gt_instances.bboxes,
                               detections.bboxes[[1, 1, 2]])
    torch.testing.assert_close(pseudo.ignored_instances.bboxes,
                               detections.bboxes[[4]])
    assert info == dict(num_candidates=6, num_kept=3, num_ignored=1,
                        num_false_positives=2)


def test_oracle_on_an_image_without_defects_keeps_the_teachers_picks(
        tiny_neu, monkeypatch):
    """No annotation: every detection the filter keeps is a false positive;
    the others scoring 0.1 or more are ignored."""
    pseudo, info = oracle_pseudo_labels(
        tiny_neu, monkeypatch,
        dict(recall=0.5, marked_recall=0.8, teacher_false_positives=True),
        InstanceData(bboxes=torch.tensor([[1., 2., 30., 40.],
                                          [5., 5., 9., 9.]]),
                     labels=torch.tensor([0, 4]),
                     scores=torch.tensor([0.6, 0.2])),
        img_path='patches_1.jpg')
    assert pseudo.gt_instances.labels.tolist() == [0]
    assert pseudo.ignored_instances.labels.tolist() == [4]
    assert info == dict(num_candidates=2, num_kept=1, num_ignored=1,
                        num_false_positives=1)


def test_oracle_judge_keeps_only_the_teachers_hits(tiny_neu, monkeypatch):
    """With ``oracle.teacher_hits_only`` the filter's picks that are hits
    stay at the teacher's extents; a duplicate, another class's box and a
    box on nothing are dropped and, scoring 0.1 or more, ignored, as the
    filter's rejects are; a defect the teacher misses is not added."""
    detections = InstanceData(
        bboxes=torch.tensor([[12., 21., 30., 40.],  # the duplicate
                             [11., 20., 30., 40.],  # the hit, best score
                             [10., 20., 30., 40.],  # right place, class 3
                             [40., 40., 60., 60.],  # nothing there
                             [12., 21., 31., 40.],  # uncertain
                             [0., 0., 5., 5.]]),  # under the ignore score
        labels=torch.tensor([2, 2, 3, 1, 2, 1]),
        scores=torch.tensor([0.8, 0.9, 0.7, 0.6, 0.2, 0.05]))
    pseudo, info = oracle_pseudo_labels(
        tiny_neu, monkeypatch, dict(teacher_hits_only=True), detections,
        InstanceData(  # the second annotation nobody finds
            bboxes=torch.tensor([[10., 20., 30., 40.], [40., 0., 60., 20.]]),
            labels=torch.tensor([2, 0])))
    torch.testing.assert_close(pseudo.gt_instances.bboxes,
                               detections.bboxes[[1]])
    assert pseudo.gt_instances.labels.tolist() == [2]
    torch.testing.assert_close(pseudo.ignored_instances.bboxes,
                               detections.bboxes[[0, 2, 3, 4]])
    assert info == dict(num_candidates=6, num_kept=1, num_ignored=4)


def test_oracle_judge_can_give_its_hits_the_true_extents(tiny_neu,
                                                         monkeypatch):
    """With ``oracle.hit_extents='annotation'`` the judge's hits take the
    boxes of the annotations they hit (each its own, in score order); the
    ignored picks keep the teacher's extents."""
    detections = InstanceData(
        bboxes=torch.tensor([[12., 22., 31., 40.],  # hits the first
                             [41., 2., 60., 22.],  # hits the second
                             [11., 20., 30., 40.],  # the first's duplicate
                             [40., 40., 60., 60.]]),  # nothing there
        labels=torch.tensor([2, 0, 2, 1]),
        scores=torch.tensor([0.7, 0.9, 0.6, 0.8]))
    annotations = InstanceData(
        bboxes=torch.tensor([[10., 20., 30., 40.], [40., 0., 60., 20.]]),
        labels=torch.tensor([2, 0]))
    pseudo, info = oracle_pseudo_labels(
        tiny_neu, monkeypatch,
        dict(teacher_hits_only=True, hit_extents='annotation'), detections,
        annotations)
    assert pseudo.gt_instances.labels.tolist() == [2, 0]
    torch.testing.assert_close(pseudo.gt_instances.bboxes,
                               annotations.bboxes)
    torch.testing.assert_close(pseudo.gt_instances.scores,
                               detections.scores[[0, 1]])
    torch.testing.assert_close(pseudo.ignored_instances.bboxes,
                               detections.bboxes[[2, 3]])
    assert info == dict(num_candidates=4, num_kept=2, num_ignored=2)


@pytest.mark.parametrize('oracle,extra,match', [
    (dict(recal=0.5), {}, 'unknown keys'),
    (dict(teacher_hits_only=True, recall=0.5), {}, 'teacher_hits_only'),
    (dict(hit_extents='annotation'), {}, 'teacher_hits_only=True'),
    (dict(teacher_hits_only=True, hit_extents='truth'), {}, 'hit_extents'),
    (dict(recall=[0.5] * 5), {}, 'one per class'),
    (dict(recall=0.5, marked_recall=0.4), {}, 'at least recall'),
    (dict(recall=0.5, marked_recall=0.7), {}, 'ignore_score_thr'),
    (dict(), dict(flip_agreement=dict(iou_thr=0.7, score_thr=0.1)),
     'flip_agreement'),
])
def test_oracle_names_what_is_wrong_with_its_settings(tiny_neu, oracle, extra,
                                                      match):
    with pytest.raises(ValueError, match=match):
        build(tiny_cfg(tiny_neu, ORACLE_CONFIG, oracle=oracle, **extra))


@pytest.mark.parametrize('row,mode', [
    ('dsym-oracle-recall-false-positives-joint-pass-weak-student_'
     'yolov9_t_3k-from-sup-lr2e-4_neu-det-20pct.py', 'oracle_false_positives'),
    ('dsym-oracle-judge-joint-pass-weak-student_'
     'yolov9_t_3k-from-sup-lr2e-4_neu-det-40pct.py', 'oracle_hits_only'),
])
def test_oracle_rows_with_the_real_teacher_train(tiny_neu, row, mode):
    """A train step of the rows whose oracle asks the real teacher (the
    start's misses and the teacher's false positives; the perfect judge),
    through their real configs on real images."""
    cfg = tiny_cfg(tiny_neu, osp.join(REPO, 'configs', 'dsym', row))
    cfg.train_dataloader.dataset.datasets[1].ann_file = \
        'annotations/labeled_tiny.json'  # the oracle reads labels
    cfg.model.detector.init_cfg = None  # no start checkpoint: random
    model = build(cfg)
    assert getattr(model, mode)
    torch.manual_seed(0)
    set_iter(5)
    losses = train_step(model, first_batch(cfg))
    assert ('unsup_num_false_positives' in losses) == (
        mode == 'oracle_false_positives')
    assert all(torch.isfinite(v).all() for v in losses.values())


@pytest.mark.parametrize('mode', ['batch', 'running'])
def test_consistency_teacher_normalises_like_the_student(tiny_neu, mode):
    """With the teacher a copy of the student, eq. (2) is 0 when the teacher
    normalises with the strong batch's statistics, as the training student
    does ('batch', the default), and not with its running statistics
    ('running'). Either way the teacher's BN buffers and modes stay."""
    cfg = tiny_cfg(tiny_neu, consistency_teacher_bn=mode,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=0.0))
    model = build(cfg)
    model.train()
    # running statistics unlike any batch's, in student and teacher alike
    for student_bn in (m for m in model.student.modules()
                       if isinstance(m, torch.nn.BatchNorm2d)):
        student_bn.running_mean.fill_(0.5)
    model.teacher.load_state_dict(model.student.state_dict())
    buffers = copy.deepcopy(bn_statistics(model.teacher))
    torch.manual_seed(0)
    inputs = torch.rand(2, 3, 64, 64)
    with model.unlabeled_pass():
        student_scores = model.student.bbox_head(
            model.student.extract_feat(inputs))[0]
    loss = model.weighted_consistency_loss(inputs, student_scores, ramp=1.)
    if mode == 'batch':
        assert loss < 1e-8
    else:
        assert loss > 1e-4  # about 1e-3 with this random tiny head
    assert not any(m.training for m in model.teacher.modules())
    for name, value in bn_statistics(model.teacher).items():
        assert torch.equal(value, buffers[name]), name


def test_consistency_teacher_bn_must_be_batch_or_running(tiny_neu):
    model = build(tiny_cfg(tiny_neu, consistency_teacher_bn='eval'))
    with pytest.raises(ValueError, match="'batch' or 'running'"):
        model.consistency_teacher_pass()


def joint_loss(model, cfg, monkeypatch):
    """``model.loss`` on the first batch, and what each call of the
    student's detection loss got: (batch size, boxes per image)."""
    calls = []
    student_loss = model.student.loss

    def spy(inputs, samples):
        calls.append((len(inputs), [len(s.gt_instances) for s in samples]))
        return student_loss(inputs, samples)

    monkeypatch.setattr(model.student, 'loss', spy)
    set_iter(5)
    model.train()
    data = model.data_preprocessor(first_batch(cfg), True)
    return model.loss(data['inputs'], data['data_samples']), calls


def test_joint_pass_learns_both_halves_in_one_loss(tiny_neu, monkeypatch):
    """``student_pass='joint'``: one student loss over the labeled images
    and the pseudo-labeled student views. With the teacher a copy of the
    student, eq. (2) is 0: the teacher normalises with the statistics of
    the student's whole batch."""
    cfg = tiny_cfg(tiny_neu, student_pass='joint',
                   pseudo_label_filter=KEEP_ALL)
    model = build(cfg)
    model.teacher.load_state_dict(model.student.state_dict())
    losses, calls = joint_loss(model, cfg, monkeypatch)
    assert len(calls) == 1
    batch_size, boxes = calls[0]
    assert batch_size == 4  # 2 labeled + 2 unlabeled
    assert min(boxes[:2]) > 0  # the labeled images' annotations
    assert sum(boxes[2:]) == losses['unsup_num_pseudo'] > 0
    assert {'joint_loss_cls', 'joint_loss_bbox', 'joint_loss_dfl'} <= set(
        losses)
    assert not any(
        k.startswith('sup_') or k.startswith('unsup_loss_') and
        k != 'unsup_loss_consistency' for k in losses)
    assert losses['unsup_loss_consistency'] < 1e-8
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert torch.isfinite(total)


def joint_pass_weights(model, cfg, monkeypatch, field='gt_weights'):
    """The joint pass's losses on the first batch, and the ``field``
    weights of its one weighted assignment: the two labeled images' boxes
    must weigh 1. Returns the losses, the unlabeled images' rows of
    weights and their numbers of pseudo-boxes."""
    seen = spy_on_gt_weights(model, monkeypatch, field)
    losses, calls = joint_loss(model, cfg, monkeypatch)
    (_, boxes), = calls
    weights, = seen
    for row, num in zip(weights[:2], boxes[:2]):
        assert (row[:num] == 1).all() and (row[num:] == 0).all()
    return losses, weights[2:], boxes[2:]


def test_joint_pass_gives_labeled_boxes_weight_1_beside_soft_pseudo_labels(
        tiny_neu, monkeypatch):
    cfg = score_weighted_cfg(tiny_neu, student_pass='joint')
    losses, pseudo, boxes = joint_pass_weights(build(cfg), cfg, monkeypatch)
    assert (pseudo > 0).sum() == losses['unsup_num_pseudo'] == sum(boxes)
    assert pseudo.max() < 1  # the teacher's scores, not 1


def test_pseudo_box_weight_reaches_the_box_losses_of_pseudo_labels_only(
        tiny_neu, monkeypatch):
    """``pseudo_box_weight``: the kept box carries it as ``box_weights``;
    in the joint pass the labeled boxes weigh 1 and the pseudo-boxes the
    option's weight, and with weight 0 the joint box losses are those of
    the labeled images' positives alone (smaller than with weight 1)."""
    projected, _ = flipped_pseudo_labels(tiny_neu, monkeypatch,
                                         pseudo_box_weight=0.25)
    torch.testing.assert_close(projected[0].gt_instances.box_weights,
                               torch.tensor([0.25]))
    joint = {}
    for weight in (0., 1.):
        cfg = score_weighted_cfg(tiny_neu, student_pass='joint',
                                 score_weighted_pseudo_labels=False,
                                 pseudo_box_weight=weight)
        torch.manual_seed(0)  # one initialisation for both weights
        losses, pseudo, boxes = joint_pass_weights(build(cfg), cfg,
                                                   monkeypatch, 'box_weights')
        num_pseudo = int(losses['unsup_num_pseudo'])
        assert num_pseudo == sum(boxes) > 0
        assert ((pseudo == weight) & (torch.arange(pseudo.shape[1]) <
                                      torch.tensor(boxes)[:, None])
                ).sum() == num_pseudo
        joint[weight] = losses
    for key in ('joint_loss_bbox', 'joint_loss_dfl'):
        assert 0 < joint[0.][key] < joint[1.][key]


@pytest.mark.parametrize('config,weight,match', [
    (CONFIG, 1.5, r'pseudo_box_weight must be in \[0, 1\]'),
    (TOOD_CONFIG, 0., 'TOODHead would ignore them'),
], ids=['out-of-range', 'tood-head'])
def test_pseudo_box_weight_is_checked_when_the_model_is_built(
        tiny_neu, config, weight, match):
    with pytest.raises(ValueError, match=match):
        build(tiny_cfg(tiny_neu, config, pseudo_box_weight=weight))


def test_joint_pass_without_pseudo_labels_takes_the_separate_path(
        tiny_neu, monkeypatch):
    """No pseudo-label survives: the unlabeled images are not taught as
    background; the unlabeled weight is 0, as in the separate path."""
    cfg = tiny_cfg(tiny_neu, student_pass='joint',
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=1.1))
    losses, calls = joint_loss(build(cfg), cfg, monkeypatch)
    assert [size for size, _ in calls] == [2, 2]
    assert not any(k.startswith('joint_') for k in losses)
    assert losses['unsup_num_pseudo'] == 0
    assert losses['unsup_loss_cls'] == 0 and losses['sup_loss_cls'] > 0


def test_joint_pass_ignores_uncertain_boxes_on_the_unlabeled_half(
        tiny_neu, monkeypatch):
    """With ``ignore_score_thr`` the joint pass gives the head the dropped
    candidates of the unlabeled images as ignored regions, and none for the
    labeled images (whose annotations have no ignored boxes)."""
    from dsym_mm.models.dense_heads.yolov9_head import YOLOv9Head
    model = build(tiny_cfg(tiny_neu, student_pass='joint',
                           ignore_score_thr=0.))

    def keep_best(candidates, inputs, samples, progress):
        return [torch.arange(len(c)) == 0 for c in candidates]

    monkeypatch.setattr(model.pseudo_label_filter, 'keep_masks', keep_best)
    received = []
    detach = YOLOv9Head.detach_ignored_priors

    def spy(self, cls_scores, gt_instances, ignored):
        received.append([None if i is None else len(i) for i in ignored])
        return detach(self, cls_scores, gt_instances, ignored)

    monkeypatch.setattr(YOLOv9Head, 'detach_ignored_priors', spy)
    losses, calls = joint_loss(model, tiny_cfg(tiny_neu), monkeypatch)
    assert [size for size, _ in calls] == [4]
    assert calls[0][1][2:] == [1, 1]  # one pseudo-label per unlabeled image
    (per_image, ) = received
    assert [n or 0 for n in per_image[:2]] == [0, 0]  # labeled images
    assert min(per_image[2:]) > 0
    assert sum(per_image[2:]) == losses['unsup_num_ignored']


@pytest.mark.parametrize('semi_train_cfg, message', [
    (dict(student_pass='joint', unsup_weight=0.25), 'cannot weigh them'),
    (dict(student_pass='joint', unsup_loss_weights=dict(loss_bbox=0.)),
     'unsup_loss_weights'),
    (dict(student_pass='both'), "'separate' or 'joint', not 'both'"),
])
def test_student_pass_errors_name_the_setting(tiny_neu, semi_train_cfg,
                                              message):
    with pytest.raises(ValueError, match=message):
        build(tiny_cfg(tiny_neu, **semi_train_cfg))


def test_joint_pass_needs_one_input_size(tiny_neu):
    model = build(tiny_cfg(tiny_neu, student_pass='joint'))
    with pytest.raises(ValueError,
                       match=r'\(3, 64, 64\) \(sup\) and \(3, 96, 64\)'):
        model.loss_by_joint_batch(
            torch.zeros(2, 3, 64, 64), [], torch.zeros(2, 3, 96, 64), [])
