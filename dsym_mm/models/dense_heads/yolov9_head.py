# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import math
from contextlib import ExitStack, contextmanager
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmdet.models.utils import unpack_gt_instances
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.utils import (ConfigType, OptConfigType, OptInstanceList,
                         OptMultiConfig)
from mmengine.structures import InstanceData
from mmyolo.models.dense_heads import YOLOv8Head, YOLOv8HeadModule

from dsym_mm.registry import YOLO_MODELS as MODELS


@MODELS.register_module()
class YOLOv9HeadModule(YOLOv8HeadModule):
    """Layers of YOLOv9's decoupled DFL head (``DDetect``).

    Per level, a regression branch (3x3 conv, grouped 3x3 conv, grouped 1x1
    conv to ``4 * reg_max`` distribution logits, decoded by DFL into box
    distances, paper eq. (5)) and a classification branch (two 3x3 convs and
    a 1x1 conv to sigmoid logits, eq. (6)). The classification bias starts at
    the prior ``log(5 / num_classes / (prior_img_size / stride) ** 2)``, the
    adaptive bias initialisation of eq. (7).

    Widths follow YOLOv9: ``reg`` = max(16, C0 / 4, 4 * reg_max) rounded up
    to ``reg_groups``; ``cls`` = max(C0, min(2 * num_classes, 128)), where C0
    is the first level's width.

    Args:
        reg_groups (int): groups of the last two regression convs (4: one per
            box side).
        prior_img_size (int): image size assumed by the classification prior.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: Union[int, Sequence],
                 widen_factor: float = 1.0,
                 num_base_priors: int = 1,
                 featmap_strides: Sequence[int] = (8, 16, 32),
                 reg_max: int = 16,
                 reg_groups: int = 4,
                 prior_img_size: int = 640,
                 norm_cfg: ConfigType = dict(
                     type='BN', momentum=0.03, eps=0.001),
                 act_cfg: ConfigType = dict(type='SiLU', inplace=True),
                 init_cfg: OptMultiConfig = None):
        self.reg_groups = reg_groups
        self.prior_img_size = prior_img_size
        super().__init__(
            num_classes,
            in_channels,
            widen_factor=widen_factor,
            num_base_priors=num_base_priors,
            featmap_strides=featmap_strides,
            reg_max=reg_max,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
            init_cfg=init_cfg)

    @property
    def reg_channels(self) -> int:
        width = max(16, self.in_channels[0] // 4, self.reg_max * 4)
        return math.ceil(width / self.reg_groups) * self.reg_groups

    @property
    def cls_channels(self) -> int:
        return max(self.in_channels[0], min(self.num_classes * 2, 128))

    def _conv(self, in_c: int, out_c: int, groups: int = 1) -> ConvModule:
        return ConvModule(
            in_c,
            out_c,
            3,
            padding=1,
            groups=groups,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def _init_layers(self):
        reg_c, cls_c, g = self.reg_channels, self.cls_channels, self.reg_groups
        self.reg_preds = nn.ModuleList(
            nn.Sequential(
                self._conv(in_c, reg_c), self._conv(reg_c, reg_c, groups=g),
                nn.Conv2d(reg_c, 4 * self.reg_max, 1, groups=g))
            for in_c in self.in_channels)
        self.cls_preds = nn.ModuleList(
            nn.Sequential(
                self._conv(in_c, cls_c), self._conv(cls_c, cls_c),
                nn.Conv2d(cls_c, self.num_classes, 1))
            for in_c in self.in_channels)
        self.register_buffer(
            'proj',
            torch.arange(self.reg_max, dtype=torch.float),
            persistent=False)

    def init_weights(self):
        super(YOLOv8HeadModule, self).init_weights()
        for reg_pred, cls_pred, stride in zip(self.reg_preds, self.cls_preds,
                                              self.featmap_strides):
            reg_pred[-1].bias.data.fill_(1.0)
            cls_pred[-1].bias.data.fill_(
                math.log(5 / self.num_classes /
                         (self.prior_img_size / stride)**2))


def points_in_boxes(points: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """Whether each (x, y) point lies in (or on the border of) any of the
    xyxy ``boxes``: a bool tensor of length ``len(points)``."""
    x, y = points[:, None, 0], points[:, None, 1]
    inside = (x >= boxes[:, 0]) & (x <= boxes[:, 2]) & \
        (y >= boxes[:, 1]) & (y <= boxes[:, 3])
    return inside.any(dim=1)


@MODELS.register_module()
class YOLOv9Head(YOLOv8Head):
    """YOLOv9's DFL head: :class:`YOLOv9HeadModule` layers with MMYOLO's
    YOLOv8 losses and decoding (task-aligned assignment, BCE classification,
    CIoU and distribution focal loss).

    Ground truth may come packed (``yolov5_collate``) or as a list of
    ``DetDataSample`` (MMDet's ``pseudo_collate``, as under
    ``SemiBaseDetector``). A data sample's ``ignored_instances`` are regions
    that are neither objects nor background (DSYM puts the teacher's
    uncertain boxes there): see :meth:`detach_ignored_priors`. Ground
    truth with ``weights`` (soft pseudo-labels) scales its targets, and
    with ``box_weights`` its box and DFL loss terms alone: see
    :meth:`padded_gt_weights` and :meth:`box_losses_weighted`.

    With ``aux_head_module`` the head also trains YOLOv9's PGI auxiliary
    head on the extra levels that :class:`YOLOv9PAFPN` (``aux_branch=True``)
    appends in training: the same losses on its own predictions and
    assignment, weighted by ``aux_loss_weight`` (0.25 in YOLOv9) and logged
    as ``aux_loss_*``. Prediction uses the main levels only.

    Args:
        head_module (dict): the main :class:`YOLOv9HeadModule`.
        aux_head_module (dict, optional): the auxiliary head's layers.
        aux_loss_weight (float): weight of the auxiliary losses.
    """

    def __init__(self,
                 head_module: ConfigType,
                 *args,
                 aux_head_module: OptConfigType = None,
                 aux_loss_weight: float = 0.25,
                 **kwargs):
        super().__init__(head_module, *args, **kwargs)
        self.aux_head_module = MODELS.build(
            aux_head_module) if aux_head_module else None
        self.aux_loss_weight = aux_loss_weight

    def forward(self, x: Tuple[torch.Tensor]) -> Tuple[List]:
        """Main head outputs; extra (auxiliary) levels are ignored."""
        return self.head_module(x[:self.num_levels])

    def loss_by_feat(
            self,
            cls_scores: Sequence[torch.Tensor],
            bbox_preds: Sequence[torch.Tensor],
            bbox_dist_preds: Sequence[torch.Tensor],
            batch_gt_instances: Union[Sequence[InstanceData], torch.Tensor],
            batch_img_metas: Sequence[dict],
            batch_gt_instances_ignore: OptInstanceList = None) -> dict:
        if batch_gt_instances_ignore is not None and any(
                ignored is not None and len(ignored)
                for ignored in batch_gt_instances_ignore):
            cls_scores = self.detach_ignored_priors(
                cls_scores, batch_gt_instances, batch_gt_instances_ignore)
        gt_weights = self.padded_gt_weights(batch_gt_instances)
        box_weights = self.padded_gt_weights(batch_gt_instances,
                                             'box_weights')
        with ExitStack() as stack:
            if gt_weights is not None or box_weights is not None:
                stack.enter_context(
                    self.assigner.weighted_by(gt_weights, box_weights))
            if box_weights is not None:
                stack.enter_context(self.box_losses_weighted())
            return super().loss_by_feat(cls_scores, bbox_preds,
                                        bbox_dist_preds, batch_gt_instances,
                                        batch_img_metas)

    def padded_gt_weights(
        self,
        batch_gt_instances: Union[Sequence[InstanceData], torch.Tensor],
        field: str = 'weights'
    ) -> Optional[torch.Tensor]:
        """The ``weights`` (or another ``field``) of ground truth that
        carries them, shaped ``(batch_size, num_gt)`` and padded with 0 as
        MMYOLO pads the boxes; ``None`` when no image's ground truth has
        them. ``weights`` scale the targets (soft pseudo-labels),
        ``box_weights`` the box losses alone; both are read by
        :class:`ScoreWeightedTaskAlignedAssigner`."""
        if isinstance(batch_gt_instances, torch.Tensor) or not any(
                field in gt for gt in batch_gt_instances):
            return None
        if not all(field in gt for gt in batch_gt_instances):
            raise ValueError(f'ground-truth {field} must be given for every '
                             'image of a batch or for none')
        if not hasattr(self.assigner, 'weighted_by'):
            raise ValueError(
                f'ground truth with {field} needs an assigner that reads '
                "them: set train_cfg.assigner type to "
                "'ScoreWeightedTaskAlignedAssigner', not "
                f'{type(self.assigner).__name__}')
        weights = batch_gt_instances[0].bboxes.new_zeros(
            len(batch_gt_instances),
            max(len(gt) for gt in batch_gt_instances))
        for row, gt in zip(weights, batch_gt_instances):
            row[:len(gt)] = getattr(gt, field)
        return weights

    @contextmanager
    def box_losses_weighted(self):
        """While the block runs, the box (IoU) and DFL loss terms of each
        positive prior are multiplied by the box weight of the ground truth
        it is assigned to, which the assigner records
        (``positive_box_weights``). The normaliser, the sum of the
        classification targets, is left as it is: a box weight of 0 makes
        a pseudo-label teach its class and not its extent."""

        def scaled_by_positive(sides: int):
            """A pre-hook for a loss whose weight has ``sides`` terms per
            positive prior (the IoU loss 1, the DFL 4, in prior order)."""

            def scaled(module, args, kwargs):
                per_positive = self.assigner.positive_box_weights
                weight = kwargs['weight']
                count = 0 if per_positive is None else len(per_positive)
                if weight.numel() != count * sides:
                    raise RuntimeError(
                        f'{type(self).__name__}: the assigner recorded box '
                        f'weights for {count} positives; the box loss '
                        f'weighs {weight.numel()} terms, {sides} per prior')
                kwargs['weight'] = weight * per_positive.repeat_interleave(
                    sides).view_as(weight).to(weight)
                return args, kwargs

            return scaled

        handles = [
            loss.register_forward_pre_hook(
                scaled_by_positive(sides), with_kwargs=True)
            for loss, sides in ((self.loss_bbox, 1), (self.loss_dfl, 4))
        ]
        try:
            yield
        finally:
            for handle in handles:
                handle.remove()

    def detach_ignored_priors(
            self, cls_scores: Sequence[torch.Tensor],
            batch_gt_instances: Sequence[InstanceData],
            batch_gt_instances_ignore: Sequence[Optional[InstanceData]]
    ) -> List[torch.Tensor]:
        """Classification logits without gradient at the priors whose
        centre lies in an ignored box and in no ground-truth box.

        The task-aligned assigner takes its positives among the priors
        whose centre lies inside a ground-truth box, so these priors can
        only be background; detaching their logits removes exactly the
        "this is background" gradient of the classification loss (their
        loss terms become constants), and leaves the positives, the
        normaliser and the box losses as they were.
        """
        featmap_sizes = [score.shape[2:] for score in cls_scores]
        points = self.prior_generator.grid_priors(
            featmap_sizes,
            dtype=cls_scores[0].dtype,
            device=cls_scores[0].device)
        detached = []
        for score, level_points in zip(cls_scores, points):
            masks = []
            for gt, ignored in zip(batch_gt_instances,
                                   batch_gt_instances_ignore):
                mask = level_points.new_zeros(len(level_points), dtype=bool)
                if ignored is not None and len(ignored):
                    mask = points_in_boxes(level_points, ignored.bboxes) \
                        & ~points_in_boxes(level_points, gt.bboxes)
                masks.append(mask)
            mask = torch.stack(masks).view(score.shape[0], 1,
                                           *score.shape[2:])
            detached.append(torch.where(mask, score.detach(), score))
        return detached

    def dfl_side_moments(
        self, dist_logits: Sequence[torch.Tensor]
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Mean and standard deviation of each box side's DFL distribution
        (eq. (5)), per prior of every level.

        Args:
            dist_logits: per level, the regression branch's output, shaped
                ``(batch, 4 * reg_max, h, w)`` (sides left, top, right,
                bottom, each over ``reg_max`` bins).

        Returns:
            distances ``(batch, num_priors, 4)`` in stride units (what the
            head decodes), standard deviations ``(batch, num_priors, 4)`` in
            pixels, and the priors' strides ``(num_priors, )``.
        """
        reg_max = self.head_module.reg_max
        bins = self.head_module.proj.view(1, 1, 1, -1)
        means, stds, strides = [], [], []
        for logits, stride in zip(dist_logits, self.featmap_strides):
            b, _, h, w = logits.shape
            probs = logits.view(b, 4, reg_max, h * w).permute(0, 3, 1,
                                                               2).softmax(-1)
            mean = (probs * bins).sum(-1)
            var = (probs * bins**2).sum(-1) - mean**2
            means.append(mean)
            stds.append(var.clamp(min=0).sqrt() * stride)
            strides.append(logits.new_full((h * w, ), stride))
        return torch.cat(means, 1), torch.cat(stds, 1), torch.cat(strides)

    def side_spreads_of(self, results_list: Sequence[InstanceData],
                        cls_scores: Sequence[torch.Tensor],
                        dist_logits: Sequence[torch.Tensor],
                        batch_img_metas: Sequence[dict]) -> None:
        """Give each detection of ``results_list`` (the output of
        :meth:`predict_by_feat` with ``rescale=False`` for ``cls_scores``
        and the boxes of ``dist_logits``) its ``side_spreads`` ``(n, 4)``:
        the standard deviations, in pixels, of the DFL distributions of its
        left, top, right and bottom sides.

        The post-processing keeps the decoded box (clipped to
        ``ori_shape``) and the class score of each prior it selects, so a
        detection is traced back to the prior whose clipped box and score
        of the detection's class are nearest to its own (the sum of the
        boxes' L1 distance in pixels and the scores' difference). The score
        tells apart the priors whose boxes clip to the same one.
        """
        featmap_sizes = [logits.shape[2:] for logits in dist_logits]
        priors = torch.cat(
            self.prior_generator.grid_priors(
                featmap_sizes,
                dtype=dist_logits[0].dtype,
                device=dist_logits[0].device))
        distances, stds, strides = self.dfl_side_moments(dist_logits)
        boxes = self.bbox_coder.decode(priors[None], distances, strides)
        scores = torch.cat([
            score.flatten(2) for score in cls_scores
        ], 2).sigmoid().transpose(1, 2)  # (batch, num_priors, classes)
        for results, img_boxes, img_scores, img_stds, meta in zip(
                results_list, boxes, scores, stds, batch_img_metas):
            img_boxes = HorizontalBoxes(img_boxes)
            img_boxes.clip_(meta['ori_shape'][:2])  # as the post-processing
            score_gaps = img_scores[:, results.labels].T - \
                results.scores[:, None]
            cost = torch.cdist(results.bboxes, img_boxes.tensor,
                               p=1) + score_gaps.abs()
            results.side_spreads = img_stds[cost.argmin(1)]

    def loss(self, x: Tuple[torch.Tensor],
             batch_data_samples: Union[list, dict]) -> dict:
        losses = super().loss(x, batch_data_samples)
        if self.aux_head_module is None:
            return losses
        if len(x) != 2 * self.num_levels:
            raise ValueError(
                f'aux_head_module needs {2 * self.num_levels} feature levels '
                f'(main + auxiliary) in training, got {len(x)}: set '
                'aux_branch=True in the neck')
        outs = self.aux_head_module(x[self.num_levels:])
        if isinstance(batch_data_samples, list):
            gt_instances, ignore, img_metas = unpack_gt_instances(
                batch_data_samples)
            aux = self.loss_by_feat(*outs, gt_instances, img_metas, ignore)
        else:
            aux = self.loss_by_feat(*outs,
                                    batch_data_samples['bboxes_labels'],
                                    batch_data_samples['img_metas'])
        losses.update({
            f'aux_{name}': value * self.aux_loss_weight
            for name, value in aux.items()
        })
        return losses
