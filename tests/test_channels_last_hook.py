# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""ChannelsLastHook: NHWC convolutions, same model."""
import copy
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import get_priority

from dsym_mm.registry import HOOKS, MODELS

from .conftest import REPO
from .test_dsym import first_batch, set_iter, tiny_cfg, train_step

YOLO = osp.join(REPO, 'configs', 'yolov9',
                'yolov9_t-mamba_1xb16-100e_neu-det-40pct.py')
DSYM = osp.join(REPO, 'configs', 'dsym', 'dsym_yolov9_t_8k_neu-det-40pct.py')


def channels_last_hook(cfg):
    hooks = [
        h for h in cfg.custom_hooks if h.type.endswith('ChannelsLastHook')
    ]
    assert len(hooks) == 1, cfg.custom_hooks
    return HOOKS.build(hooks[0])


def convert(model, cfg):
    channels_last_hook(cfg).before_run(SimpleNamespace(model=model))


def is_nhwc(tensor):
    return tensor.dim() != 4 or tensor.is_contiguous(
        memory_format=torch.channels_last)


def test_channels_last_keeps_the_model_and_its_losses(tiny_neu):
    """Same parameter objects (an optimizer built before stays valid), now
    NHWC; same losses and gradients up to rounding; its state dict loads
    into a default-layout model as the same values.

    The outputs and gradients are compared in float64: in float32 the two
    layouts sum a feature map in different orders, and through the deep
    random network that rounding reached 1.07e-3 of a conv weight's
    gradient norm in a CI run (not on the development machine). In float64
    the rounding is some six orders of magnitude below the tolerance of
    1e-8 here, and a layout error stays O(1)."""
    cfg = Config.fromfile(YOLO)  # YOLOv9-t with the Mamba head
    init_default_scope(cfg.default_scope)
    torch.manual_seed(0)
    reference = MODELS.build(cfg.model)
    reference.init_weights()
    reference.double()
    model = copy.deepcopy(reference)
    params = list(model.parameters())
    # (1x1 and depthwise kernels are laid out alike in both orders)
    convs = [
        p for p in params
        if p.dim() == 4 and p.shape[1] > 1 and p.shape[-1] > 1
    ]
    assert convs and not any(is_nhwc(p) for p in convs)

    convert(model, cfg)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(is_nhwc(p) for p in model.parameters())

    cfg.train_dataloader.update(batch_size=4, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.update(
        data_root=tiny_neu, ann_file='annotations/labeled_tiny.json')
    data = reference.data_preprocessor(first_batch(cfg), True)
    data['inputs'] = data['inputs'].double()
    results = []
    for net in (reference, model):
        # outputs and gradients of a smooth function of them in eval mode
        # (before a train-mode pass moves the BN statistics): train-mode BN
        # divides by batch variances that can be near 0 in a random
        # network, which turns rounding into 1e-3 differences, and the
        # detection loss's assignment is discrete
        net.eval()
        outs = [t for level in net._forward(data['inputs']) for t in level]
        sum(t.pow(2).mean() for t in outs).backward()
        net.train()
        losses = net.loss(data['inputs'], data['data_samples'])
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        results.append((loss, outs, {
            n: p.grad
            for n, p in net.named_parameters() if p.grad is not None
        }))
    (ref_loss, ref_outs, ref_grads), (loss, outs, grads) = results
    assert float(loss.detach()) == pytest.approx(
        float(ref_loss.detach()), rel=1e-6)
    for out, ref in zip(outs, ref_outs):
        assert out.dtype == torch.float64
        assert torch.allclose(out, ref, rtol=1e-9, atol=1e-9)
    assert ref_grads.keys() == grads.keys()
    # relative to the tensor's norm, plus a floor of float64 rounding of
    # the largest gradient for the tensors whose gradient is almost 0 (a
    # BN weight deep in a random network: norm 4e-4 against 9)
    floor = 1e-13 * max(g.norm() for g in ref_grads.values())
    for name, grad in grads.items():
        ref = ref_grads[name]
        assert (grad - ref).norm() <= 1e-8 * ref.norm() + floor, name

    plain = MODELS.build(cfg.model).double()
    plain.load_state_dict(model.state_dict())
    for name, tensor in plain.state_dict().items():
        assert torch.equal(tensor, model.state_dict()[name]), name


def test_channels_last_runs_before_the_ema_copy():
    """The hook converts the model before EMAHook copies it (so the EMA
    model, which validates, is NHWC too)."""
    cfg = Config.fromfile(YOLO)
    hook = channels_last_hook(cfg)
    ema = [h for h in cfg.custom_hooks if h.type == 'EMAHook'][0]
    assert get_priority(hook.priority) < get_priority(ema.priority)


def test_channels_last_converts_teacher_and_student(tiny_neu):
    cfg = tiny_cfg(tiny_neu, DSYM,
                   pseudo_label_filter=dict(type='mmdet.ScoreThresholdFilter',
                                            score_thr=0.0))
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    model.init_weights()
    convert(model, cfg)
    for net in (model.teacher, model.student):
        assert all(is_nhwc(p) for p in net.parameters())
    # and a semi-supervised step runs on it
    set_iter(cfg.model.semi_train_cfg.burn_in_iters)
    losses = train_step(model, first_batch(cfg))
    assert losses['unsup_num_pseudo'] > 0
    assert torch.isfinite(losses['unsup_loss_cls'])
