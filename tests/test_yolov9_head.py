# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import math

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import ConfigDict
from mmengine.structures import InstanceData

from dsym_mm.registry import MODELS

NUM_CLASSES = 3


# the plain YOLOv9 head and the Mamba head (both placements and scan modes)
# must behave the same on every ground-truth case
MAMBA_HEADS = {
    'mamba-stem-raster':
    dict(placement='stem', mamba_cfg=dict(d_state=4, scan_mode='raster')),
    'mamba-branches-ss2d':
    dict(
        placement='branches',
        mamba_levels=(0, 2),
        mamba_cfg=dict(d_state=4, expand=1, scan_mode='ss2d')),
}


def build_head(variant='plain'):
    return MODELS.build(build_head_cfg(variant))


def build_head_cfg(variant='plain'):
    head_module = dict(
        type='YOLOv9HeadModule',
        num_classes=NUM_CLASSES,
        in_channels=[32, 48, 64],
        widen_factor=1.0,
        prior_img_size=64)
    head_type = 'YOLOv9Head'
    if variant != 'plain':
        head_type = 'MambaYOLOv9Head'
        head_module.update(type='MambaYOLOv9HeadModule',
                           **MAMBA_HEADS[variant])
    return ConfigDict(
            type=head_type,
            head_module=head_module,
            train_cfg=dict(
                assigner=dict(
                    type='BatchTaskAlignedAssigner',
                    num_classes=NUM_CLASSES,
                    use_ciou=True,
                    topk=10,
                    alpha=0.5,
                    beta=6.0,
                    eps=1e-9)),
            test_cfg=dict(
                multi_label=True,
                nms_pre=1000,
                score_thr=0.001,
                nms=dict(type='nms', iou_threshold=0.7),
                max_per_img=100))


def feats(batch=2, size=64):
    torch.manual_seed(0)
    return [
        torch.randn(batch, c, size // s, size // s, requires_grad=True)
        for c, s in ((32, 8), (48, 16), (64, 32))
    ]


def samples(boxes_per_image):
    out = []
    for boxes in boxes_per_image:
        s = DetDataSample(metainfo=dict(img_shape=(64, 64),
                                        ori_shape=(64, 64),
                                        scale_factor=(1.0, 1.0)))
        s.gt_instances = InstanceData(
            bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            labels=torch.arange(len(boxes)) % NUM_CLASSES)
        out.append(s)
    return out


def packed(boxes_per_image):
    rows = [[i, j % NUM_CLASSES, *b] for i, boxes in enumerate(boxes_per_image)
            for j, b in enumerate(boxes)]
    return dict(
        bboxes_labels=torch.tensor(rows, dtype=torch.float32).reshape(-1, 6),
        img_metas=[dict(img_shape=(64, 64), batch_input_shape=(64, 64))] *
        len(boxes_per_image))


def test_layers_follow_yolov9():
    module = build_head().head_module
    reg, cls = module.reg_preds[0], module.cls_preds[0]
    assert reg[1].conv.groups == 4 and reg[2].groups == 4
    assert reg[2].out_channels == 4 * 16
    assert cls[0].conv.out_channels == max(32, min(2 * NUM_CLASSES, 128))
    head = build_head()
    head.head_module.init_weights()
    bias = head.head_module.cls_preds[0][-1].bias
    assert torch.allclose(
        bias, torch.full_like(bias, math.log(5 / NUM_CLASSES / (64 / 8)**2)))


@pytest.mark.parametrize('boxes', [
    [[], []],
    [[[8., 8., 40., 40.]], []],
    [[[8., 8., 40., 40.], [30., 2., 60., 20.], [1., 40., 20., 63.]],
     [[10., 10., 50., 30.]]],
], ids=['empty', 'one', 'many'])
@pytest.mark.parametrize('variant', ['plain', *MAMBA_HEADS])
def test_loss_both_gt_formats(boxes, variant):
    head = build_head(variant)
    x = feats()
    losses = head.loss(x, samples(boxes))
    for value in losses.values():
        assert torch.isfinite(value)
    assert losses['loss_cls'] > 0
    if not any(boxes):
        assert losses['loss_bbox'] == 0 and losses['loss_dfl'] == 0
    else:
        assert losses['loss_bbox'] > 0 and losses['loss_dfl'] > 0
    sum(losses.values()).backward()
    assert all(f.grad is not None for f in x)
    # packed tensors from yolov5_collate give the same losses
    head_packed = build_head(variant)
    head_packed.load_state_dict(head.state_dict())
    packed_losses = head_packed.loss([f.detach() for f in x], packed(boxes))
    for key, value in losses.items():
        torch.testing.assert_close(packed_losses[key], value.detach())


@pytest.mark.parametrize('variant', ['plain', *MAMBA_HEADS])
def test_predict_returns_boxes_in_image(variant):
    head = build_head(variant).eval()
    with torch.no_grad():
        results = head.predict(feats(batch=1), samples([[]]), rescale=True)
    assert results[0].bboxes.shape[1] == 4
    assert (results[0].bboxes >= -1).all() and (results[0].bboxes <= 65).all()


def test_pgi_auxiliary_branch_trains_only():
    from dsym_mm.models import YOLOv9PAFPN
    neck = YOLOv9PAFPN([32, 48, 64], [32, 48, 64], aux_branch=True)
    inputs = [torch.randn(2, c, 64 // s, 64 // s)
              for c, s in ((32, 8), (48, 16), (64, 32))]
    neck.train()  # MMYOLO's neck.train() returns None
    train_outs = neck(inputs)
    assert len(train_outs) == 6
    assert [o.shape for o in train_outs[3:]] == [o.shape
                                                 for o in train_outs[:3]]
    neck.eval()
    eval_outs = neck(inputs)
    assert len(eval_outs) == 3

    cfg = build_head_cfg()
    cfg.aux_head_module = cfg.head_module.copy()
    head = MODELS.build(cfg)
    x = feats() + feats()
    gt = samples([[[8., 8., 40., 40.]], []])
    losses = head.loss(x, gt)
    assert {'aux_loss_cls', 'aux_loss_bbox', 'aux_loss_dfl'} <= set(losses)
    # weighted by 0.25: equal to 0.25 x the main losses when the auxiliary
    # head has the main head's weights and inputs
    head.aux_head_module.load_state_dict(head.head_module.state_dict())
    losses = head.loss(x, gt)
    for key in ('loss_cls', 'loss_bbox', 'loss_dfl'):
        torch.testing.assert_close(losses[f'aux_{key}'], 0.25 * losses[key])
    with pytest.raises(ValueError, match='aux_branch=True'):
        head.loss(feats(), gt)
    with torch.no_grad():
        head.eval().predict(feats(1) + feats(1), samples([[]]))  # aux ignored


def test_mamba_head_places_blocks_where_configured():
    from dsym_mm.models.layers import MambaBlock2d
    stem = build_head('mamba-stem-raster').head_module
    assert all(isinstance(m, MambaBlock2d) for m in stem.mamba_stems)
    assert [m.d_inner for m in stem.mamba_stems] == [64, 96, 128]
    branches = build_head('mamba-branches-ss2d').head_module
    assert not hasattr(branches, 'mamba_stems')
    for level, has_block in enumerate((True, False, True)):
        for branch in (branches.reg_preds[level], branches.cls_preds[level]):
            assert isinstance(branch[1], MambaBlock2d) is has_block
            if has_block:
                assert branch[1].scan_mode == 'ss2d'
    # the classification prior and the DFL layer are still the last layers
    branches.init_weights()
    assert torch.all(branches.reg_preds[0][-1].bias == 1.0)
    cfg = build_head_cfg('plain')
    cfg.type = 'MambaYOLOv9Head'
    with pytest.raises(TypeError, match='MambaYOLOv9HeadModule'):
        MODELS.build(cfg)
    cfg = build_head_cfg('mamba-stem-raster')
    cfg.head_module.placement = 'neck'
    with pytest.raises(ValueError, match='placement'):
        MODELS.build(cfg)
    cfg = build_head_cfg('mamba-branches-ss2d')
    cfg.head_module.mamba_levels = (0, 3)
    with pytest.raises(ValueError, match='mamba_levels'):
        MODELS.build(cfg)


def test_ignored_boxes_are_not_learned_as_background():
    """Priors centred in an ignored box (and in no ground-truth box) get no
    classification gradient; every other gradient and the box losses stay
    as without the ignored box."""
    head = build_head()
    cls_scores, bbox_preds, dist_preds = head(feats())
    gt = samples([[[8., 8., 24., 24.]], []])
    metas = [s.metainfo for s in gt]
    gt_instances = [s.gt_instances for s in gt]
    # one box clear of the ground truth, one that overlaps it
    ignored = [InstanceData(bboxes=torch.tensor([[36., 36., 60., 60.],
                                                 [16., 16., 30., 30.]])),
               None]

    def loss_and_grads(ignore):
        leaves = [c.detach().requires_grad_() for c in cls_scores]
        losses = head.loss_by_feat(leaves, [b.detach() for b in bbox_preds],
                                   [d.detach() for d in dist_preds],
                                   gt_instances, metas, ignore)
        losses['loss_cls'].backward()
        return losses, [leaf.grad for leaf in leaves]

    plain, plain_grads = loss_and_grads(None)
    masked, masked_grads = loss_and_grads(ignored)
    for key in ('loss_bbox', 'loss_dfl'):
        torch.testing.assert_close(masked[key], plain[key])
    num_ignored = 0
    for stride, grad, ref in zip((8, 16, 32), masked_grads, plain_grads):
        centres = (torch.arange(64 // stride) + 0.5) * stride
        y, x = torch.meshgrid(centres, centres, indexing='ij')

        def inside(x1, y1, x2, y2):
            return (x >= x1) & (x <= x2) & (y >= y1) & (y <= y2)

        region = (inside(36, 36, 60, 60) | inside(16, 16, 30, 30)) \
            & ~inside(8, 8, 24, 24)
        num_ignored += int(region.sum())
        assert (grad[0][:, region] == 0).all()
        assert (ref[0][:, region] != 0).all()
        torch.testing.assert_close(grad[0][:, ~region], ref[0][:, ~region])
        torch.testing.assert_close(grad[1], ref[1])
    assert num_ignored > 16


def weighted_head():
    cfg = build_head_cfg()
    cfg.train_cfg.assigner.type = 'ScoreWeightedTaskAlignedAssigner'
    return MODELS.build(cfg)


def assigner_case():
    """MMYOLO's task-aligned assigner, ours with the same settings, and
    assignment arguments: two images of 8 x 8 priors; one box per class in
    image 0 (classes 0 and 1), one box (class 2) and one padding row in
    image 1. The classes tell the boxes apart."""
    from mmyolo.models.task_modules.assigners import BatchTaskAlignedAssigner

    from dsym_mm.models import ScoreWeightedTaskAlignedAssigner
    kwargs = dict(num_classes=NUM_CLASSES, topk=10, alpha=0.5, beta=6.0)
    torch.manual_seed(0)
    priors = torch.stack(torch.meshgrid(
        torch.arange(4., 64., 8.), torch.arange(4., 64., 8.),
        indexing='xy'), -1).reshape(-1, 2)
    priors = torch.cat([priors, torch.full_like(priors, 8.)], 1)
    xy = priors[None, :, :2].expand(2, -1, -1)
    args = (torch.cat([xy - 10, xy + 10], -1),
            torch.rand(2, len(priors), NUM_CLASSES), priors,
            torch.tensor([[[0.], [1.]], [[2.], [0.]]]),
            torch.tensor([[[4., 4., 30., 30.], [30., 20., 60., 60.]],
                          [[10., 10., 50., 40.], [0., 0., 0., 0.]]]),
            torch.tensor([[[1.], [1.]], [[1.], [0.]]]))
    return (BatchTaskAlignedAssigner(**kwargs),
            ScoreWeightedTaskAlignedAssigner(**kwargs), args)


def test_score_weighted_assigner_scales_each_boxs_targets():
    """Inside ``weighted_by`` every positive prior's target is its parent's
    times the weight of the box it is assigned to; outside, the targets are
    the parent's."""
    plain, weighted, args = assigner_case()
    ref = plain(*args)
    gt_weights = torch.tensor([[0.5, 0.25], [0.8, 0.]])
    with weighted.weighted_by(gt_weights):
        out = weighted(*args)
    torch.testing.assert_close(out['assigned_bboxes'], ref['assigned_bboxes'])
    by_label = torch.tensor([[0.5, 0.25, 0.], [0., 0., 0.8]])
    expected = ref['assigned_scores'] * by_label.gather(
        1, ref['assigned_labels'].clamp(max=NUM_CLASSES - 1))[..., None]
    assert (ref['assigned_scores'][0].sum(-1) > 0).sum() > 2
    assert (ref['assigned_scores'][1].sum(-1) > 0).any()
    torch.testing.assert_close(out['assigned_scores'], expected)
    torch.testing.assert_close(weighted(*args)['assigned_scores'],
                               ref['assigned_scores'])


def test_assigner_records_the_box_weight_of_each_positive():
    """Box weights leave the targets as the parent's and give each positive
    prior, in the order the head selects them, its box's weight."""
    plain, weighted, args = assigner_case()
    ref = plain(*args)
    with weighted.weighted_by(box_weights=torch.tensor([[0.5, 0.25],
                                                        [0.8, 0.]])):
        out = weighted(*args)
        recorded = weighted.positive_box_weights
    for key in ('assigned_scores', 'assigned_bboxes', 'fg_mask_pre_prior'):
        torch.testing.assert_close(out[key], ref[key])
    by_label = torch.tensor([0.5, 0.25, 0.8])
    fg = ref['fg_mask_pre_prior']
    assert fg[0].sum() > 2 and fg[1].any()
    torch.testing.assert_close(recorded, by_label[ref['assigned_labels'][fg]])
    assert weighted.positive_box_weights is None  # cleared after the block


def test_box_weights_scale_the_box_losses_alone():
    """Box weight 1 changes nothing; 0.5 halves the box and DFL losses
    (their normaliser, the classification targets' sum, stays); 0 leaves
    the classification loss as it is and no box loss; weights per image
    weigh each image's positives."""
    head = weighted_head()
    outs = [[o.detach() for o in out] for out in head(feats())]
    gt = samples([[[8., 8., 40., 40.], [30., 2., 60., 20.]],
                  [[10., 10., 50., 30.]]])
    metas = [s.metainfo for s in gt]

    def losses(*per_image):
        instances = [s.gt_instances.clone() for s in gt]
        if per_image:
            for i, weight in zip(instances, per_image):
                i.box_weights = torch.full((len(i), ), weight)
        return head.loss_by_feat(*outs, instances, metas)

    plain = losses()
    for key in ('loss_bbox', 'loss_dfl'):
        assert plain[key] > 0
    for weight in (1., 0.5, 0.):
        scaled = losses(weight, weight)
        torch.testing.assert_close(scaled['loss_cls'], plain['loss_cls'])
        for key in ('loss_bbox', 'loss_dfl'):
            torch.testing.assert_close(scaled[key], plain[key] * weight)
    mixed = losses(1., 0.)
    for key in ('loss_bbox', 'loss_dfl'):
        assert 0 < mixed[key] < plain[key]
    assert losses(0., 1.)['loss_bbox'] + mixed['loss_bbox'] == \
        pytest.approx(float(plain['loss_bbox']), rel=1e-5)


def test_head_scales_the_targets_of_weighted_ground_truth():
    """Weights of 1 change nothing; weights of 0.5 change the
    classification loss and weigh the box losses less (at most as much:
    they are weighted by the targets and divided by the targets' sum, or by
    1 when that sum is smaller)."""
    head = weighted_head()
    outs = [[o.detach() for o in out] for out in head(feats())]
    gt = samples([[[8., 8., 40., 40.], [30., 2., 60., 20.]],
                  [[10., 10., 50., 30.]]])
    metas = [s.metainfo for s in gt]

    def losses(weight):
        instances = [s.gt_instances.clone() for s in gt]
        if weight is not None:
            for i in instances:
                i.weights = torch.full((len(i), ), weight)
        return head.loss_by_feat(*outs, instances, metas)

    plain, ones, halves = losses(None), losses(1.), losses(0.5)
    for key in plain:
        torch.testing.assert_close(ones[key], plain[key])
    for key in ('loss_bbox', 'loss_dfl'):
        assert 0 < halves[key] < plain[key]
    assert not torch.isclose(halves['loss_cls'], plain['loss_cls'])


def test_weighted_ground_truth_needs_weights_everywhere_and_the_assigner():
    outs = build_head()(feats())
    gt = samples([[[8., 8., 40., 40.]], [[10., 10., 50., 30.]]])
    instances = [s.gt_instances for s in gt]
    instances[0].weights = torch.ones(1)
    with pytest.raises(ValueError, match='every image of a batch'):
        weighted_head().loss_by_feat(*outs, instances,
                                     [s.metainfo for s in gt])
    instances[1].weights = torch.ones(1)
    with pytest.raises(ValueError, match='ScoreWeightedTaskAlignedAssigner'):
        build_head().loss_by_feat(*outs, instances, [s.metainfo for s in gt])
    gt = samples([[[8., 8., 40., 40.]], [[10., 10., 50., 30.]]])
    boxed = [s.gt_instances for s in gt]  # box weights alone
    boxed[0].box_weights = torch.ones(1)
    with pytest.raises(ValueError, match='box_weights must be given'):
        weighted_head().loss_by_feat(*outs, boxed, [s.metainfo for s in gt])
    boxed[1].box_weights = torch.ones(1)
    with pytest.raises(ValueError, match='with box_weights needs an assigner'
                       '.*ScoreWeightedTaskAlignedAssigner'):
        build_head().loss_by_feat(*outs, boxed, [s.metainfo for s in gt])


def uniform_std(bins):
    """Standard deviation of the uniform distribution over 0..bins-1."""
    return math.sqrt((bins**2 - 1) / 12)


def test_dfl_side_moments_of_hand_made_distributions():
    head = build_head()
    reg_max = head.head_module.reg_max
    # all-zero logits: every side uniform over the bins
    logits = [
        torch.zeros(1, 4 * reg_max, 64 // s, 64 // s) for s in (8, 16, 32)
    ]
    # level 0, row 1, column 2: left certain at bin 3, right split
    # between bins 2 and 4, top and bottom uniform
    logits[0][0, 0 * reg_max + 3, 1, 2] = 50.
    logits[0][0, 2 * reg_max + 2, 1, 2] = 50.
    logits[0][0, 2 * reg_max + 4, 1, 2] = 50.
    distances, stds, strides = head.dfl_side_moments(logits)
    assert distances.shape == stds.shape == (1, 64 + 16 + 4, 4)
    assert strides.tolist() == [8.] * 64 + [16.] * 16 + [32.] * 4
    mid = (reg_max - 1) / 2
    torch.testing.assert_close(distances[0, 8 + 2],
                               torch.tensor([3., mid, 3., mid]))
    wide = 8 * uniform_std(reg_max)
    torch.testing.assert_close(stds[0, 8 + 2],
                               torch.tensor([0., wide, 8., wide]),
                               atol=1e-3,
                               rtol=0)
    # a level-1 prior: uniform sides, in pixels of stride 16
    torch.testing.assert_close(stds[0, 64 + 5],
                               torch.full((4, ), 16 * uniform_std(reg_max)))


@pytest.mark.parametrize('variant', ['plain', 'mamba-branches-ss2d'])
def test_side_spreads_follow_each_detection_to_its_prior(variant):
    head = build_head(variant).eval()
    torch.manual_seed(0)
    reg_max = head.head_module.reg_max
    sizes = [64 // s for s in (8, 16, 32)]
    logits = [3 * torch.randn(1, 4 * reg_max, n, n) for n in sizes]
    distances, stds, _ = head.dfl_side_moments(logits)
    bbox_preds = [
        level.permute(0, 2, 1).reshape(1, 4, n, n)
        for level, n in zip(distances.split([n * n for n in sizes], 1), sizes)
    ]
    # two confident priors: level 1 (row 1, column 2), class 0; level 0
    # (row 5, column 6), class 2; the random sides clip most priors' boxes
    # to the whole image, so only their scores tell them apart
    cls_scores = [torch.full((1, NUM_CLASSES, n, n), -20.) for n in sizes]
    cls_scores[1][0, 0, 1, 2] = 5.
    cls_scores[0][0, 2, 5, 6] = 4.
    meta = dict(img_shape=(64, 64), ori_shape=(64, 64), scale_factor=(1., 1.))
    results = head.predict_by_feat(
        cls_scores, bbox_preds, batch_img_metas=[meta], rescale=False)
    assert sorted(results[0].labels.tolist()) == [0, 2]
    assert torch.equal(results[0].bboxes[0], results[0].bboxes[1])
    head.side_spreads_of(results, cls_scores, logits, [meta])
    spreads = results[0].side_spreads
    for label, prior in ((0, 64 + 1 * 4 + 2), (2, 5 * 8 + 6)):
        torch.testing.assert_close(spreads[results[0].labels == label][0],
                                   stds[0, prior])
    # an image without detections gets an empty (0, 4) field
    empty = InstanceData(bboxes=torch.zeros(0, 4), scores=torch.zeros(0),
                         labels=torch.zeros(0, dtype=torch.long))
    head.side_spreads_of([empty], cls_scores, logits, [meta])
    assert empty.side_spreads.shape == (0, 4)
