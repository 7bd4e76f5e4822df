# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import copy
import math
from contextlib import ExitStack, contextmanager, nullcontext
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmdet.models.detectors import SemiBaseDetector
from mmdet.models.utils import rename_loss_dict, reweight_loss_dict
from mmdet.structures import DetDataSample, SampleList
from mmdet.structures.bbox import bbox_flip, bbox_project
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from mmengine.config import ConfigDict
from mmengine.logging import MessageHub
from mmengine.structures import InstanceData
from torch.nn.modules.batchnorm import _BatchNorm

from dsym_mm.apis.checkpoint_check import (CheckpointMismatchError,
                                           check_checkpoint_matches)
from dsym_mm.registry import MODELS, TASK_UTILS
from ..pseudo_label_filters import per_class_filters
from ..utils import fuse_two_views, same_class_ious


@contextmanager
def captured_outputs(module: nn.Module):
    """Collect what ``module`` returns while the block runs."""
    outputs = []
    handle = module.register_forward_hook(
        lambda mod, args, out: outputs.append(out))
    try:
        yield outputs
    finally:
        handle.remove()


@contextmanager
def kept_bn_statistics(module: nn.Module):
    """BN layers of ``module`` in train mode normalise with their batch's
    statistics while the block runs and leave their running statistics and
    batch counts as they are (not tracked during the block; restoring them
    afterwards would break autograd, which saves them)."""
    layers = [
        m for m in module.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats
    ]
    for m in layers:
        m.track_running_stats = False
    try:
        yield
    finally:
        for m in layers:
            m.track_running_stats = True


@contextmanager
def bn_on_batch_statistics(module: nn.Module):
    """BN layers of ``module`` normalise with their batch's statistics while
    the block runs, whatever the module's mode, and leave their running
    statistics as they are."""
    layers = [m for m in module.modules() if isinstance(m, _BatchNorm)]
    modes = [m.training for m in layers]
    for m in layers:
        m.train()
    try:
        with kept_bn_statistics(module):
            yield
    finally:
        for m, mode in zip(layers, modes):
            m.train(mode)


@contextmanager
def swapped_test_cfg(head: nn.Module, test_cfg: Optional[ConfigDict]):
    """``head`` predicts with ``test_cfg`` (if not None) while the block
    runs."""
    if test_cfg is None:
        yield
        return
    own = head.test_cfg
    head.test_cfg = test_cfg
    try:
        yield
    finally:
        head.test_cfg = own


def found_by(boxes: InstanceData, others: InstanceData,
             iou_thr: float) -> torch.Tensor:
    """Whether each of ``boxes`` overlaps one of ``others`` of its class
    with IoU ``iou_thr`` or more (all False when either is empty)."""
    if not len(boxes) or not len(others):
        return boxes.labels.new_zeros(len(boxes), dtype=torch.bool)
    return same_class_ious(boxes, others).max(1).values >= iou_thr


def head_honours_ignored_instances(head: nn.Module) -> bool:
    """Whether ``head`` keeps ignored instances out of its background: it
    has a hook for them (the YOLOv9 heads' ``detach_ignored_priors``) or
    every assigner it uses leaves out the priors that they cover
    (``ignore_iof_thr > 0``). Most MMDetection heads (TOOD's task-aligned
    assigner, for one) take them as an argument and drop them."""
    if hasattr(head, 'detach_ignored_priors'):
        return True
    assigners = [
        getattr(head, name) for name in ('initial_assigner', 'assigner')
        if getattr(head, name, None) is not None
    ]
    return bool(assigners) and all(
        getattr(assigner, 'ignore_iof_thr', -1) > 0
        for assigner in assigners)


@MODELS.register_module()
class DSYM(SemiBaseDetector):
    """DSYM's semi-supervised teacher-student training (paper section 3.1,
    Table 1), on MMDetection's mean teacher.

    * Phase 1 (``burn_in_iters``): the student learns from labeled images
      only (eq. (1)); the unlabeled branches are not run.
    * Then the teacher, a copy of the student at the switch kept as an
      exponential moving average by :class:`BurnInMeanTeacherHook`
      (eq. (3)), predicts on the weak view of each unlabeled image; the
      ``pseudo_label_filter`` keeps some predictions (eq. (20); the CLIP
      filter plugs in here); they are projected to the strong view with the
      views' homographies, and the student learns from them.
    * The consistency loss (eq. (2)) is the squared distance between the
      student's and the teacher's dense class probabilities on the strong
      view, averaged over images.
    * ``L = L_sup + lambda(t) * (w_pseudo * L_pseudo + w_cons * L_cons)``,
      with ``lambda(t) = exp(-5 (1 - t / rampup_iters)^2)`` counted from the
      switch (Table 1 line 18).

    ``semi_train_cfg`` keys: ``burn_in_iters``, ``pseudo_label_filter``
    (a ``TASK_UTILS`` config), ``ignore_score_thr`` and
    ``ignored_classes`` (see :meth:`split_candidates`),
    ``score_weighted_pseudo_labels`` (the kept
    pseudo-labels carry the teacher's confidence as ``weights``; the YOLOv9
    heads with ``ScoreWeightedTaskAlignedAssigner`` scale their targets by
    it), ``pseudo_box_weight`` (the kept pseudo-labels carry it as
    ``box_weights``, the weight of their box and DFL loss terms in the
    YOLOv9 heads with that assigner: 0 teaches their classes and not their
    extents, also in the joint pass), ``unsup_weight``,
    ``unsup_loss_weights`` (factors for single pseudo-label losses, e.g.
    ``dict(loss_bbox=0., loss_dfl=0.)`` for classification-only
    pseudo-labels; separate pass only),
    ``consistency_weight``, ``consistency_activation`` ('sigmoid' for heads
    that output logits, None for heads that output probabilities, such as
    TOOD), ``consistency_teacher_bn`` (see :meth:`consistency_teacher_pass`),
    ``rampup_iters``, ``min_pseudo_bbox_wh``,
    ``bn_stats_from_unlabeled`` (see :meth:`unlabeled_pass`),
    ``student_pass`` (see :meth:`loss_by_joint_batch`),
    ``teacher_test_cfg`` (merged over the detector's ``test_cfg`` when the
    teacher predicts pseudo-labels, e.g. ``dict(nms=dict(iou_threshold=
    0.7))``, so that pseudo-labels need not share the evaluation's NMS),
    ``flip_agreement`` (e.g. ``dict(iou_thr=0.7, score_thr=0.1)``: see
    :meth:`flip_agreement_masks`), ``teacher_flip_fusion`` (e.g.
    ``dict(iou_thr=0.55)``) and ``teacher_partner`` (e.g.
    ``dict(checkpoint='work_dirs/.../epoch_100.pth', iou_thr=0.55)``): see
    :meth:`teacher_predict`.
    Any MMDet/MMYOLO detector with a dense head can be the ``detector``.
    """

    def __init__(self,
                 detector: ConfigType,
                 semi_train_cfg: OptConfigType = None,
                 semi_test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            detector=detector,
            semi_train_cfg=semi_train_cfg,
            semi_test_cfg=semi_test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.pseudo_label_filter = TASK_UTILS.build(
            self.semi_train_cfg.pseudo_label_filter)
        num_classes = getattr(self.student.bbox_head, 'num_classes', None)
        for name, module in per_class_filters(self.pseudo_label_filter):
            if num_classes is not None and len(module.seen) != num_classes:
                key = 'pseudo_label_filter' + (f'.{name}' if name else '')
                raise ValueError(
                    f'semi_train_cfg.{key} has thresholds for '
                    f'{len(module.seen)} classes; the detector\'s head '
                    f'predicts {num_classes} (boxes_per_image: '
                    'tools/analysis_tools/boxes_per_image.py counts them '
                    'on the labeled images)')
        self.teacher_test_cfg = None
        if self.semi_train_cfg.get('teacher_test_cfg', None):
            self.teacher_test_cfg = ConfigDict(
                copy.deepcopy(self.teacher.bbox_head.test_cfg or {}))
            self.teacher_test_cfg.merge(self.semi_train_cfg.teacher_test_cfg)
        if self.score_weighted_pseudo_labels and not hasattr(
                self.student.bbox_head, 'padded_gt_weights'):
            raise ValueError(
                'semi_train_cfg.score_weighted_pseudo_labels needs a head '
                'that weighs its targets by the ground truth\'s weights (the '
                'YOLOv9 heads); '
                f'{type(self.student.bbox_head).__name__} would ignore them')
        if self.pseudo_box_weight is not None:
            if not 0 <= self.pseudo_box_weight <= 1:
                raise ValueError(
                    'semi_train_cfg.pseudo_box_weight must be in [0, 1]; got '
                    f'{self.pseudo_box_weight}')
            if not hasattr(self.student.bbox_head, 'box_losses_weighted'):
                raise ValueError(
                    'semi_train_cfg.pseudo_box_weight needs a head that '
                    "weighs its box losses by the ground truth's box_weights "
                    '(the YOLOv9 heads); '
                    f'{type(self.student.bbox_head).__name__} would ignore '
                    'them')
        ignoring = [
            key for key in ('ignore_score_thr', 'ignored_classes')
            if self.semi_train_cfg.get(key, None) is not None
        ]
        if ignoring and not head_honours_ignored_instances(
                self.student.bbox_head):
            raise ValueError(
                f'semi_train_cfg.{ignoring[0]} hands teacher boxes to the '
                'head as ignored instances, which '
                f'{type(self.student.bbox_head).__name__} would learn as '
                'background: use a head that leaves them out (the YOLOv9 '
                'heads), an assigner with ignore_iof_thr > 0, or remove '
                'the option')
        if self.flip_agreement is not None:
            missing = {'iou_thr', 'score_thr'} - set(self.flip_agreement)
            if missing:
                raise ValueError(
                    'semi_train_cfg.flip_agreement needs iou_thr and '
                    f'score_thr; {sorted(missing)} missing')
        if self.teacher_flip_fusion is not None:
            if 'iou_thr' not in self.teacher_flip_fusion:
                raise ValueError(
                    'semi_train_cfg.teacher_flip_fusion needs iou_thr')
            if self.flip_agreement is not None:
                raise ValueError(
                    'semi_train_cfg.teacher_flip_fusion already scores the '
                    "teacher's boxes by whether the mirrored view finds "
                    'them: remove flip_agreement or teacher_flip_fusion')
        self.teacher_partner = None
        partner = self.semi_train_cfg.get('teacher_partner', None)
        if partner is not None:
            missing = {'checkpoint', 'iou_thr'} - set(partner)
            if missing:
                raise ValueError(
                    'semi_train_cfg.teacher_partner needs checkpoint and '
                    f'iou_thr; {sorted(missing)} missing')
            if self.teacher_flip_fusion is not None:
                raise ValueError(
                    'semi_train_cfg.teacher_partner and teacher_flip_fusion '
                    "both fuse a second set of the teacher's detections: "
                    'keep one of them')
            partner_cfg = copy.deepcopy(detector)
            partner_cfg['init_cfg'] = dict(
                type='Pretrained', checkpoint=partner['checkpoint'])
            self.teacher_partner = MODELS.build(partner_cfg)
            self.freeze(self.teacher_partner)
        if self.student_pass not in ('separate', 'joint'):
            raise ValueError("semi_train_cfg.student_pass must be 'separate' "
                             f"or 'joint', not {self.student_pass!r}")
        if self.student_pass == 'joint':
            weighed = {
                key: self.semi_train_cfg[key]
                for key in ('sup_weight', 'unsup_weight', 'unsup_loss_weights')
                if self.semi_train_cfg.get(key, 1.) != 1
            }
            if weighed:
                raise ValueError(
                    "semi_train_cfg.student_pass='joint' learns from the "
                    'labeled and pseudo-labeled images in one loss, which '
                    f'cannot weigh them apart: remove {weighed} or use '
                    "student_pass='separate'")

    def train(self, mode: bool = True) -> 'DSYM':
        """The student follows ``mode``; the teacher stays in eval mode, so
        that its BN statistics are the EMA of the student's (eq. (3)) and
        never its own batches' (the runner calls ``model.train()``)."""
        super().train(mode)
        self.teacher.eval()
        if self.teacher_partner is not None:
            self.teacher_partner.eval()
        return self

    def init_weights(self) -> None:
        """MMEngine's initialisation, once ``teacher_partner``'s checkpoint
        is known to fit it (its weights load as its ``Pretrained``
        init_cfg, which would only warn about a checkpoint of another
        model; a checkpoint of the whole DSYM model, as when resuming or
        testing, brings them too)."""
        if self.teacher_partner is not None:
            path = self.semi_train_cfg.teacher_partner.checkpoint
            try:
                check_checkpoint_matches(self.teacher_partner, path)
            except (FileNotFoundError, CheckpointMismatchError) as error:
                raise type(error)(
                    f'semi_train_cfg.teacher_partner.checkpoint: {error} '
                    '(it takes a supervised checkpoint of the same detector, '
                    'e.g. tools/train.py with another randomness.seed)'
                ) from error
        super().init_weights()

    @property
    def burn_in_iters(self) -> int:
        return self.semi_train_cfg.get('burn_in_iters', 0)

    @property
    def student_pass(self) -> str:
        """``'separate'`` (MMDetection's mean teacher: one student pass and
        loss per half of the batch) or ``'joint'`` (see
        :meth:`loss_by_joint_batch`)."""
        return self.semi_train_cfg.get('student_pass', 'separate')

    @property
    def flip_agreement(self) -> Optional[ConfigDict]:
        """``semi_train_cfg.flip_agreement`` (``iou_thr``, ``score_thr``),
        or None: see :meth:`flip_agreement_masks`."""
        cfg = self.semi_train_cfg.get('flip_agreement', None)
        return None if cfg is None else ConfigDict(cfg)

    @property
    def teacher_flip_fusion(self) -> Optional[ConfigDict]:
        """``semi_train_cfg.teacher_flip_fusion`` (``iou_thr``), or None:
        see :meth:`teacher_predict`."""
        cfg = self.semi_train_cfg.get('teacher_flip_fusion', None)
        return None if cfg is None else ConfigDict(cfg)

    @property
    def teacher_fusion(self) -> Optional[ConfigDict]:
        """``semi_train_cfg.teacher_flip_fusion`` or ``teacher_partner``,
        whichever is set (the model refuses both), or None: the teacher's
        detections are then fused with a second set (see
        :meth:`teacher_predict`)."""
        cfg = self.semi_train_cfg.get('teacher_partner', None)
        return self.teacher_flip_fusion if cfg is None else ConfigDict(cfg)

    @property
    def score_weighted_pseudo_labels(self) -> bool:
        """Whether the kept pseudo-labels carry the teacher's confidence
        as ``weights`` (soft pseudo-labels)."""
        return self.semi_train_cfg.get('score_weighted_pseudo_labels', False)

    @property
    def pseudo_box_weight(self) -> Optional[float]:
        """The weight of the kept pseudo-labels' box losses (their
        ``box_weights``), or None when they weigh as labels do."""
        weight = self.semi_train_cfg.get('pseudo_box_weight', None)
        return None if weight is None else float(weight)

    # ---------------------------------------------------------- progress --
    @staticmethod
    def current_iter() -> Tuple[int, int]:
        """(iteration, total iterations) of the running train loop."""
        hub = MessageHub.get_current_instance()
        return hub.get_info('iter', 0), max(hub.get_info('max_iters', 1), 1)

    @property
    def learns_from_unlabeled(self) -> bool:
        """False when both unlabeled losses have weight 0: the unlabeled
        branches are then skipped, leaving supervised training with the same
        schedule and EMA teacher (the ablation's supervised row)."""
        cfg = self.semi_train_cfg
        return self.learns_from_pseudo_labels or cfg.get(
            'consistency_weight', 0.) > 0

    @property
    def learns_from_pseudo_labels(self) -> bool:
        """False when ``unsup_weight`` is 0: the teacher's detections are
        then not needed (the consistency-only row of Table 1 line 18)."""
        return self.semi_train_cfg.get('unsup_weight', 1.) > 0

    def in_burn_in(self) -> bool:
        return self.current_iter()[0] < self.burn_in_iters

    def unsup_ramp(self) -> float:
        """``lambda_unsup(t)``: sigmoid-shaped ramp-up after the burn-in."""
        rampup = self.semi_train_cfg.get('rampup_iters', 0)
        if rampup <= 0:
            return 1.
        done = (self.current_iter()[0] - self.burn_in_iters) / rampup
        done = min(max(done, 0.), 1.)
        return math.exp(-5. * (1. - done)**2)

    def unlabeled_pass(self):
        """Context of the student's passes over the unlabeled (strong) views.

        By default they leave the BN running statistics as the labeled
        batches made them: those statistics are what evaluation normalises
        with and what the teacher's EMA copies (eq. (3)), and the strong
        views' colour and erasing augmentation shifts them away from real
        images (docs/dsym.md, "BN statistics"). In the pass itself BN
        still normalises with the batch's statistics.
        ``bn_stats_from_unlabeled=True`` lets the strong views update them,
        as a plain mean teacher does."""
        if self.semi_train_cfg.get('bn_stats_from_unlabeled', False):
            return nullcontext()
        return kept_bn_statistics(self.student)

    # -------------------------------------------------------------- loss --
    def loss(self, multi_batch_inputs: Dict[str, torch.Tensor],
             multi_batch_data_samples: Dict[str, SampleList]) -> dict:
        sup_inputs = multi_batch_inputs['sup']
        sup_samples = multi_batch_data_samples['sup']
        if self.in_burn_in() or not self.learns_from_unlabeled:
            return self.loss_by_gt_instances(sup_inputs, sup_samples)
        if not self.learns_from_pseudo_labels:
            losses = self.loss_by_gt_instances(sup_inputs, sup_samples)
            losses.update(
                self.loss_by_consistency(multi_batch_inputs['unsup_student']))
            return losses
        pseudo_samples, batch_info = self.get_pseudo_instances(
            multi_batch_inputs['unsup_teacher'],
            multi_batch_data_samples['unsup_teacher'])
        student_samples = self.project_pseudo_instances(
            pseudo_samples, multi_batch_data_samples['unsup_student'])
        if self.student_pass == 'joint' and batch_info['num_kept'] > 0:
            return self.loss_by_joint_batch(
                sup_inputs, sup_samples, multi_batch_inputs['unsup_student'],
                student_samples, batch_info)
        losses = self.loss_by_gt_instances(sup_inputs, sup_samples)
        losses.update(
            self.loss_by_pseudo_instances(multi_batch_inputs['unsup_student'],
                                          student_samples, batch_info))
        return losses

    @torch.no_grad()
    def get_pseudo_instances(
            self, batch_inputs: torch.Tensor,
            batch_data_samples: SampleList) -> Tuple[SampleList, dict]:
        """Teacher predictions on the weak view, filtered, in the original
        image's coordinates: the kept ones as ``gt_instances``, the dropped
        ones that still score ``ignore_score_thr`` or more as
        ``ignored_instances`` (see :meth:`split_candidates`)."""
        candidates = self.teacher_predict(batch_inputs, batch_data_samples)
        it, max_iters = self.current_iter()
        masks, flip_dropped = self.pseudo_label_masks(
            candidates, batch_inputs, batch_data_samples, it / max_iters)
        num_kept = num_ignored = 0
        for data_sample, instances, keep in zip(batch_data_samples,
                                                 candidates, masks):
            to_ori = torch.as_tensor(
                data_sample.homography_matrix,
                dtype=instances.bboxes.dtype,
                device=instances.bboxes.device).inverse()
            instances.bboxes = bbox_project(instances.bboxes, to_ori,
                                            data_sample.ori_shape)
            kept, ignored = self.split_candidates(instances, keep)
            if self.score_weighted_pseudo_labels:
                kept.weights = kept.scores
            if self.pseudo_box_weight is not None:
                kept.box_weights = kept.scores.new_full(
                    (len(kept), ), self.pseudo_box_weight)
            data_sample.gt_instances = kept
            num_kept += len(kept)
            if ignored is not None:
                data_sample.ignored_instances = ignored
                num_ignored += len(ignored)
        batch_info = dict(
            num_candidates=sum(len(c) for c in candidates),
            num_kept=num_kept,
            num_ignored=num_ignored)
        if flip_dropped is not None:
            batch_info['num_flip_dropped'] = sum(
                int(m.sum()) for m in flip_dropped)
        return batch_data_samples, batch_info

    def pseudo_label_masks(
        self, candidates: List[InstanceData], batch_inputs: torch.Tensor,
        batch_data_samples: SampleList, progress: float
    ) -> Tuple[List[torch.Tensor], Optional[List[torch.Tensor]]]:
        """Which of the teacher's ``candidates`` (in the view's pixel
        coordinates) become pseudo-labels: the ``pseudo_label_filter``'s
        choice (eq. (20), or the CLIP filter) at training progress
        ``progress`` = t/T, less, with ``semi_train_cfg.flip_agreement``
        set, the boxes that the teacher does not find again on the mirrored
        view (:meth:`flip_agreement_masks`). Returns the masks, one per
        image, and the masks of the boxes the mirrored view removed (None
        when the check is off)."""
        masks = self.pseudo_label_filter.keep_masks(
            candidates, batch_inputs, batch_data_samples, progress)
        if self.flip_agreement is None:
            return masks, None
        agree = self.flip_agreement_masks(candidates, batch_inputs,
                                          batch_data_samples)
        return ([m & a for m, a in zip(masks, agree)],
                [m & ~a for m, a in zip(masks, agree)])

    @torch.no_grad()
    def flip_agreement_masks(
            self, candidates: List[InstanceData], batch_inputs: torch.Tensor,
            batch_data_samples: SampleList) -> List[torch.Tensor]:
        """Whether the teacher finds each candidate again on the
        horizontally mirrored view: a detection of the same class scoring
        at least ``flip_agreement.score_thr`` whose box, mirrored back,
        overlaps the candidate with IoU >= ``flip_agreement.iou_thr``.

        Most of the teacher's confident false pseudo-labels on NEU-DET are
        boxes in the right place with the wrong extent (docs/dsym.md,
        "Pseudo-labels the mirrored view disowns"); such a box moves when
        the image is mirrored, a well-placed one does not. The check costs
        one more teacher pass; on NEU-DET at 20 % labels it raised the
        pseudo-labels' precision and not the student's mAP. A dropped
        candidate that scores at least
        ``ignore_score_thr`` still reaches the student as an ignored
        region (:meth:`split_candidates`)."""
        cfg = self.flip_agreement
        found = self.teacher_mirrored_predict(batch_inputs,
                                              batch_data_samples)
        return [
            found_by(cand, other[other.scores >= cfg.score_thr], cfg.iou_thr)
            for cand, other in zip(candidates, found)
        ]

    def split_candidates(
        self, candidates: InstanceData, keep: torch.Tensor
    ) -> Tuple[InstanceData, Optional[InstanceData]]:
        """The student's pseudo-labels (the candidates the filter keeps) and
        the regions it should not learn as background.

        A teacher that misses a defect by a small margin of confidence
        still marks it: with ``semi_train_cfg.ignore_score_thr`` set, the
        dropped candidates scoring at least that much are returned as
        ignored instances, which heads that support them (the YOLOv9 heads)
        leave out of the classification loss's background (the model
        refuses the option with other heads). ``None``
        (the default) teaches everything that is not kept as background.

        ``semi_train_cfg.ignored_classes`` (class indices) turns the kept
        boxes of those classes into ignored instances too: for classes whose
        pseudo-labels are mostly wrong in extent, the student neither learns
        them as defects nor their regions as background.
        """
        thr = self.semi_train_cfg.get('ignore_score_thr', None)
        classes = self.semi_train_cfg.get('ignored_classes', None)
        if thr is None and classes is None:
            return candidates[keep], None
        ignore = torch.zeros_like(keep)
        if thr is not None:
            ignore |= ~keep & (candidates.scores >= thr)
        if classes is not None:
            moved = keep & torch.isin(
                candidates.labels,
                candidates.labels.new_tensor(list(classes)))
            keep, ignore = keep & ~moved, ignore | moved
        return candidates[keep], candidates[ignore]

    def project_pseudo_instances(self, batch_pseudo_instances: SampleList,
                                 batch_data_samples: SampleList) -> SampleList:
        """The base class's projection of the pseudo-labels to the student's
        view, and the same for the ignored instances."""
        for pseudo, student in zip(batch_pseudo_instances,
                                   batch_data_samples):
            if 'ignored_instances' in pseudo:
                ignored = pseudo.ignored_instances.clone()
                ignored.bboxes = bbox_project(
                    ignored.bboxes,
                    torch.as_tensor(
                        student.homography_matrix,
                        dtype=ignored.bboxes.dtype,
                        device=ignored.bboxes.device), student.img_shape)
                student.ignored_instances = ignored
        return super().project_pseudo_instances(batch_pseudo_instances,
                                                batch_data_samples)

    @torch.no_grad()
    def teacher_predict(self,
                        batch_inputs: torch.Tensor,
                        batch_data_samples: SampleList,
                        with_side_spreads: bool = False) -> List[InstanceData]:
        """The teacher's detections in the view's pixel coordinates
        (:meth:`teacher_view_predict`), fused with a second set of
        detections of the same view when one is configured
        (:func:`fuse_two_views`: a box that only one set has scores half,
        so the pseudo-label filter ranks what both find first):

        * ``semi_train_cfg.teacher_flip_fusion`` (e.g. ``dict(iou_thr=
          0.55)``): the teacher's own detections on the horizontally
          mirrored view, mirrored back (test-time augmentation);
        * ``semi_train_cfg.teacher_partner`` (e.g. ``dict(checkpoint=...,
          iou_thr=0.55)``): a frozen second detector of the same
          architecture, trained on the same labels from another seed
          (a two-model ensemble; its errors differ from the teacher's).

        Either costs one more forward pass per batch.
        """
        fusion = self.teacher_fusion
        if fusion is not None and with_side_spreads:
            raise ValueError(
                'side spreads belong to single detections; '
                'semi_train_cfg.teacher_flip_fusion and teacher_partner '
                'fuse them')
        candidates = self.teacher_view_predict(batch_inputs,
                                               batch_data_samples,
                                               with_side_spreads)
        if fusion is None:
            return candidates
        if self.teacher_partner is not None:
            found = self.teacher_view_predict(
                batch_inputs, batch_data_samples,
                detector=self.teacher_partner)
        else:
            found = self.teacher_mirrored_predict(batch_inputs,
                                                  batch_data_samples)
        return [
            fuse_two_views(own, other, fusion.iou_thr)
            for own, other in zip(candidates, found)
        ]

    def teacher_mirrored_predict(
            self, batch_inputs: torch.Tensor,
            batch_data_samples: SampleList) -> List[InstanceData]:
        """The teacher's detections on each view mirrored left to right
        within its ``img_shape`` (the padding stays where it is), mirrored
        back into the view's pixel coordinates."""
        mirrored = batch_inputs.clone()
        for i, sample in enumerate(batch_data_samples):
            h, w = sample.img_shape[:2]
            mirrored[i, :, :h, :w] = batch_inputs[i, :, :h, :w].flip(-1)
        found = self.teacher_view_predict(mirrored, batch_data_samples)
        for other, sample in zip(found, batch_data_samples):
            other.bboxes = bbox_flip(other.bboxes, sample.img_shape[:2])
        return found

    def teacher_view_predict(
            self,
            batch_inputs: torch.Tensor,
            batch_data_samples: SampleList,
            with_side_spreads: bool = False,
            detector: Optional[nn.Module] = None) -> List[InstanceData]:
        """The teacher's (or ``detector``'s) detections on one view, in its
        pixel coordinates.

        MMYOLO's heads clip boxes to ``ori_shape`` even when they do not
        rescale, which would cut every box of a view larger than its image
        (a 200 px NEU-DET image seen at 256 px loses its right and bottom
        fifth). The teacher therefore sees samples whose ``ori_shape`` is
        the view's own shape. The teacher predicts with
        ``semi_train_cfg.teacher_test_cfg`` merged over its ``test_cfg``.

        With ``with_side_spreads`` each detection also gets its
        ``side_spreads``, the standard deviations in pixels of its four DFL
        side distributions (``YOLOv9Head.side_spreads_of``; heads without
        DFL sides are refused).
        """
        views = []
        for data_sample in batch_data_samples:
            view = DetDataSample(metainfo=data_sample.metainfo)
            view.set_metainfo(dict(ori_shape=data_sample.img_shape))
            views.append(view)
        detector = self.teacher if detector is None else detector
        head = detector.bbox_head
        if with_side_spreads and not hasattr(head, 'side_spreads_of'):
            raise ValueError(
                f'{type(head).__name__} has no DFL box sides to measure the '
                'spread of: side spreads need a YOLOv9 head')
        with ExitStack() as stack:
            stack.enter_context(
                swapped_test_cfg(head, self.teacher_test_cfg))
            if with_side_spreads:
                head_outs = stack.enter_context(captured_outputs(head))
                dist_logits = [
                    stack.enter_context(captured_outputs(branch))
                    for branch in head.head_module.reg_preds
                ]
            results = detector.predict(batch_inputs, views, rescale=False)
        candidates = [r.pred_instances for r in results]
        if with_side_spreads:
            head.side_spreads_of(candidates, head_outs[0][0],
                                 [outs[0] for outs in dist_logits],
                                 [view.metainfo for view in views])
        return candidates

    def loss_by_pseudo_instances(self,
                                 batch_inputs: torch.Tensor,
                                 batch_data_samples: SampleList,
                                 batch_info: Optional[dict] = None) -> dict:
        ramp = self.unsup_ramp()
        with self.unlabeled_pass(), captured_outputs(
                self.student.bbox_head) as student_outs:
            losses = self.student.loss(batch_inputs, batch_data_samples)
        num_pseudo = sum(len(s.gt_instances) for s in batch_data_samples)
        weight = self.semi_train_cfg.get('unsup_weight', 1.) * ramp \
            if num_pseudo > 0 else 0.
        losses = reweight_loss_dict(losses, weight)
        for name, factor in self.semi_train_cfg.get('unsup_loss_weights',
                                                    {}).items():
            if name not in losses:
                raise KeyError(
                    f'semi_train_cfg.unsup_loss_weights: the student has no '
                    f'loss {name!r} (it has {sorted(losses)})')
            losses[name] = losses[name] * factor
        losses = rename_loss_dict('unsup_', losses)
        losses.update(
            self.unlabeled_terms(batch_inputs, student_outs[0][0],
                                 batch_data_samples, batch_info))
        return losses

    def loss_by_joint_batch(self,
                            sup_inputs: torch.Tensor,
                            sup_samples: SampleList,
                            unsup_inputs: torch.Tensor,
                            unsup_samples: SampleList,
                            batch_info: Optional[dict] = None) -> dict:
        """``semi_train_cfg.student_pass='joint'``: the student learns from
        the labeled images and the pseudo-labeled student views in one
        forward pass and one detection loss, as if all were labeled.

        MMDetection's mean teacher (``'separate'``, the default) runs the
        student twice, once per half of the batch, each with its own BN
        batch statistics and loss. Here BN normalises the whole batch at
        once and updates its running statistics from it, and the head's
        assigner and normalisation see both halves together (eq. (1) as
        the sum over one batch). ``unsup_weight`` and the ramp do not apply
        to the pseudo-labels then (the model refuses weights other than 1);
        the ramp still scales eq. (2). Losses are logged as ``joint_*``.
        A batch in which no pseudo-label survives takes the separate path,
        whose unlabeled weight is then 0, rather than teaching its
        unlabeled images as background.
        """
        if sup_inputs.shape[1:] != unsup_inputs.shape[1:]:
            raise ValueError(
                "semi_train_cfg.student_pass='joint' stacks the labeled "
                "batch and the student's unlabeled views into one batch, "
                'so their padded sizes must match: got '
                f'{tuple(sup_inputs.shape[1:])} (sup) and '
                f'{tuple(unsup_inputs.shape[1:])} (unsup_student); resize '
                'both branches to one scale or pad them to one size')
        fields = [
            field for field, on in (
                ('weights', self.score_weighted_pseudo_labels),
                ('box_weights', self.pseudo_box_weight is not None)) if on
        ]
        for sample in sup_samples:  # labels are sure: weight 1
            gt = sample.gt_instances
            for field in fields:
                setattr(gt, field,
                        gt.labels.new_ones(len(gt), dtype=torch.float))
        batch_inputs = torch.cat([sup_inputs, unsup_inputs])
        with captured_outputs(self.student.bbox_head) as student_outs:
            losses = self.student.loss(batch_inputs,
                                       [*sup_samples, *unsup_samples])
        losses = rename_loss_dict('joint_', losses)
        losses.update(
            self.unlabeled_terms(batch_inputs, student_outs[0][0],
                                 unsup_samples, batch_info,
                                 num_labeled=len(sup_inputs)))
        return losses

    def unlabeled_terms(self,
                        batch_inputs: torch.Tensor,
                        student_scores: List[torch.Tensor],
                        batch_data_samples: SampleList,
                        batch_info: Optional[dict] = None,
                        num_labeled: int = 0) -> dict:
        """Eq. (2) on the student's unlabeled views (when
        ``consistency_weight`` > 0), and the pseudo-label counts and ramp to
        log (``unsup_num_pseudo``, ``unsup_num_candidates``,
        ``unsup_num_ignored``, ``unsup_ramp``). ``batch_data_samples`` are
        the unlabeled views; ``batch_inputs`` and ``student_scores`` may
        lead with ``num_labeled`` labeled images (a joint pass)."""
        ramp = self.unsup_ramp()
        device = batch_inputs.device
        terms = {}
        if self.semi_train_cfg.get('consistency_weight', 0.) > 0:
            terms['unsup_loss_consistency'] = self.weighted_consistency_loss(
                batch_inputs, student_scores, ramp, num_labeled)
        num_pseudo = sum(len(s.gt_instances) for s in batch_data_samples)
        terms['unsup_num_pseudo'] = torch.tensor(float(num_pseudo),
                                                 device=device)
        for key, value in (batch_info or {}).items():
            if key != 'num_kept':  # logged as unsup_num_pseudo
                terms[f'unsup_{key}'] = torch.tensor(
                    float(value), device=device)
        terms['unsup_ramp'] = torch.tensor(ramp, device=device)
        return terms

    def loss_by_consistency(self, batch_inputs: torch.Tensor) -> dict:
        """The unlabeled images teach through eq. (2) alone (``unsup_weight``
        0): the student's dense outputs on the strong view; no teacher
        detections, pseudo-labels or student detection loss."""
        ramp = self.unsup_ramp()
        with self.unlabeled_pass():
            student_scores = self.student.bbox_head(
                self.student.extract_feat(batch_inputs))[0]
        return dict(
            unsup_loss_consistency=self.weighted_consistency_loss(
                batch_inputs, student_scores, ramp),
            unsup_ramp=torch.tensor(ramp, device=batch_inputs.device))

    def weighted_consistency_loss(self,
                                  batch_inputs: torch.Tensor,
                                  student_scores: List[torch.Tensor],
                                  ramp: float,
                                  num_labeled: int = 0) -> torch.Tensor:
        """``lambda(t) * w_cons * L_cons``: eq. (2) against the teacher's
        outputs on the same (strong) view. The teacher sees the student's
        whole batch, so that its BN batch statistics are the student's;
        the first ``num_labeled`` images (the labeled half of a joint pass)
        are left out of eq. (2)."""
        with torch.no_grad(), self.consistency_teacher_pass():
            teacher_scores = self.teacher.bbox_head(
                self.teacher.extract_feat(batch_inputs))[0]
        weight = self.semi_train_cfg.get('consistency_weight', 0.) * ramp
        return weight * self.consistency_loss(
            [s[num_labeled:] for s in student_scores],
            [t[num_labeled:] for t in teacher_scores])

    def consistency_teacher_pass(self):
        """Context of the teacher's pass over the strong view for eq. (2).

        The student's pass normalises with the strong batch's own BN
        statistics (it trains). ``consistency_teacher_bn='batch'`` (the
        default) has the teacher's BN layers do the same, leaving its
        running statistics as they are, so that the two outputs differ by
        the weights alone: the EMA of eq. (3). With ``'running'`` (every
        row measured before this option existed) the teacher normalises
        with its running statistics, and eq. (2) also teaches the student
        the gap between the two kinds of statistics: 3.8 per image on the
        first iterations of a stage, when both weights are the start's
        (docs/dsym.md, "The loss split at 2e-4")."""
        mode = self.semi_train_cfg.get('consistency_teacher_bn', 'batch')
        if mode not in ('batch', 'running'):
            raise ValueError(
                "semi_train_cfg.consistency_teacher_bn must be 'batch' or "
                f"'running', not {mode!r}")
        if mode == 'running':
            return nullcontext()
        return bn_on_batch_statistics(self.teacher)

    def consistency_loss(self, student_scores: List[torch.Tensor],
                         teacher_scores: List[torch.Tensor]) -> torch.Tensor:
        """Eq. (2): ``1/N sum_i ||s_i - t_i||^2`` over the ``N`` unlabeled
        images, ``s_i`` and ``t_i`` being all class probabilities of image
        ``i`` (every prior of every level) from the student and the
        teacher. A mean over them instead would divide the loss by their
        number (1344 priors x 6 classes, about 8000, at 256 px) and leave it
        without effect."""
        act = self.semi_train_cfg.get('consistency_activation', 'sigmoid')
        assert act in ('sigmoid', None), act
        squared = 0.
        for s, t in zip(student_scores, teacher_scores):
            if act == 'sigmoid':
                s, t = s.sigmoid(), t.sigmoid()
            squared = squared + (s - t.detach()).pow(2).flatten(1).sum(1)
        return squared.mean()
