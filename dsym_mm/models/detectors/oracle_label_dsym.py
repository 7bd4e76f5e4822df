# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import os.path as osp
import zlib
from typing import List, Sequence, Tuple, Union

import torch
from mmdet.structures import SampleList
from mmdet.structures.bbox import get_box_tensor
from mmengine.structures import InstanceData

from dsym_mm.registry import MODELS

from ..utils import first_hit_truths
from .dsym import DSYM, found_by


def box_draw(img_path: str, index: int) -> float:
    """A number in [0, 1) fixed for box ``index`` of image ``img_path``:
    the same at every iteration, view, seed and process (``hash`` of a
    string is salted per process, CRC-32 is not)."""
    key = f'{osp.basename(img_path)}:{index}'.encode()
    return zlib.crc32(key) / 2**32


@MODELS.register_module()
class OracleLabelDSYM(DSYM):
    """A diagnostic, not a method: :class:`DSYM` whose teacher "detects"
    the annotations of its view, each with score 1 (0 for the boxes that
    ``oracle.marked_recall`` below leaves unmarked).

    Everything after the teacher's detections is DSYM's own path: the
    projection to the student's view, the student's pass and loss on the
    unlabeled images, its BN handling, the consistency loss (eq. (2)) and
    the ramp. Beside a run in which the same true labels go through the
    labeled pipeline instead, it tells whether that path costs accuracy
    when the pseudo-labels are right and complete. Its unlabeled dataset
    must load annotations (``mmdet.LoadAnnotations``, not
    ``LoadEmptyAnnotations``); a DSYM config never does.

    ``semi_train_cfg.oracle`` makes the labels wrong the way a teacher's
    are, one kind of error at a time, to tell which of them costs the
    student its accuracy:

    - ``recall`` (a float, or one per class; default 1): the share of the
      annotated boxes that become pseudo-labels. Which boxes is fixed per
      box (:func:`box_draw`), as a teacher misses the same defects at
      every iteration; a missed box is learnt as background.
    - ``marked_recall`` (default ``recall``): the share kept or ignored;
      the boxes between the two shares become ignored instances, as the
      candidates a teacher scores under its threshold but at least
      ``semi_train_cfg.ignore_score_thr`` (which must be set).
    - ``teacher_false_positives`` (default False): the real teacher
      predicts too, ``pseudo_label_filter`` picks from its detections as
      in DSYM, and the picks that match no annotation of their class (IoU
      < ``match_iou``, default 0.5) join the annotations as pseudo-labels;
      its detections that do match one stand for that annotation and are
      left out. Logged as ``unsup_num_false_positives``.

    ``semi_train_cfg.oracle.teacher_hits_only`` (default False) is the
    other way round: a perfect judge of the teacher's own pseudo-labels,
    the most a filter that only drops boxes (the CLIP filter of section
    3.4, eq. (20)) could give. The real teacher predicts and
    ``pseudo_label_filter`` picks as in DSYM; of the picks, only the hits
    stay, at the teacher's extents: in score order, a pick that takes a
    free annotation of its class at IoU ``match_iou`` or more
    (:func:`first_hit_truths`). Duplicates, wrong extents and boxes on
    nothing are dropped like the filter's own rejects (ignored, with
    ``ignore_score_thr``, when they score that much). The annotations
    never become pseudo-labels, so missed defects stay missed; the option
    takes none of the three above. With ``hit_extents='annotation'``
    (default ``'teacher'``) each hit takes the box of the annotation it
    hits: the teacher's choice of defects with true extents, which tells
    what the hits' extents cost apart from which defects the teacher
    misses.

    With the defaults every annotation is a pseudo-label and the filter is
    not consulted.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        oracle = self.semi_train_cfg.get('oracle', None) or {}
        unknown = set(oracle) - {
            'recall', 'marked_recall', 'teacher_false_positives',
            'teacher_hits_only', 'hit_extents', 'match_iou'
        }
        if unknown:
            raise ValueError(
                f'semi_train_cfg.oracle: unknown keys {sorted(unknown)}')
        num_classes = self.student.bbox_head.num_classes
        self.oracle_recall = self._per_class(oracle.get('recall', 1.),
                                             'recall', num_classes)
        self.oracle_marked_recall = self._per_class(
            oracle.get('marked_recall', oracle.get('recall', 1.)),
            'marked_recall', num_classes)
        if (self.oracle_marked_recall < self.oracle_recall).any():
            raise ValueError('semi_train_cfg.oracle.marked_recall must be '
                             'at least recall for every class')
        if (self.oracle_marked_recall > self.oracle_recall).any() and \
                self.semi_train_cfg.get('ignore_score_thr', None) is None:
            raise ValueError(
                'semi_train_cfg.oracle.marked_recall above recall hands '
                'boxes to the student as ignored instances: set '
                'semi_train_cfg.ignore_score_thr')
        self.oracle_false_positives = bool(
            oracle.get('teacher_false_positives', False))
        self.oracle_match_iou = float(oracle.get('match_iou', 0.5))
        self.oracle_hits_only = bool(oracle.get('teacher_hits_only', False))
        if self.oracle_hits_only and set(oracle) & {
                'recall', 'marked_recall', 'teacher_false_positives'}:
            raise ValueError(
                'semi_train_cfg.oracle.teacher_hits_only judges the '
                "teacher's own picks and turns no annotation into a "
                'pseudo-label: it takes no recall, marked_recall or '
                'teacher_false_positives')
        hit_extents = oracle.get('hit_extents', 'teacher')
        if hit_extents not in ('teacher', 'annotation'):
            raise ValueError(
                "semi_train_cfg.oracle.hit_extents must be 'teacher' or "
                f"'annotation'; got {hit_extents!r}")
        self.oracle_true_extents = hit_extents == 'annotation'
        if self.oracle_true_extents and not self.oracle_hits_only:
            raise ValueError(
                "semi_train_cfg.oracle.hit_extents='annotation' moves the "
                "judge's hits: it needs teacher_hits_only=True")
        if self.flip_agreement is not None:
            raise ValueError(
                f'{type(self).__name__} decides which annotations are '
                'pseudo-labels itself: semi_train_cfg.flip_agreement would '
                'not be applied; remove it')

    @staticmethod
    def _per_class(value: Union[float, Sequence[float]], key: str,
                   num_classes: int) -> torch.Tensor:
        shares = torch.as_tensor(value, dtype=torch.float).flatten()
        if len(shares) == 1:
            shares = shares.expand(num_classes).clone()
        if len(shares) != num_classes or not ((shares >= 0) &
                                              (shares <= 1)).all():
            raise ValueError(
                f'semi_train_cfg.oracle.{key} must be a share in [0, 1] or '
                f'one per class ({num_classes}); got {value!r}')
        return shares

    @torch.no_grad()
    def teacher_predict(self, batch_inputs: torch.Tensor,
                        batch_data_samples: SampleList,
                        **kwargs) -> List[InstanceData]:
        """The teacher view's annotations, in the view's pixels, scored 1
        if marked (kept or ignored) and 0 if missed, with the field
        ``oracle_keep``; with ``teacher_false_positives``, followed by the
        real teacher's detections (``oracle_keep`` False), each with
        ``matches_annotation``. ``from_annotation`` tells them apart. With
        ``teacher_hits_only``, the teacher's detections alone, each with
        ``oracle_keep`` (see :meth:`judged_candidates`)."""
        found = [None] * len(batch_data_samples)
        if self.oracle_false_positives or self.oracle_hits_only:
            found = super().teacher_predict(batch_inputs, batch_data_samples,
                                            **kwargs)
        if self.oracle_hits_only:
            return self.judged_candidates(found, batch_inputs,
                                          batch_data_samples)
        detections = []
        for data_sample, teacher in zip(batch_data_samples, found):
            gt = self._annotations(data_sample)
            bboxes = get_box_tensor(gt.bboxes).float()
            labels = gt.labels
            draws = bboxes.new_tensor([
                box_draw(data_sample.get('img_path', ''), i)
                for i in range(len(bboxes))
            ])
            marked = draws < self.oracle_marked_recall.to(draws)[labels]
            annotations = InstanceData(
                bboxes=bboxes,
                labels=labels,
                scores=marked.float(),
                oracle_keep=draws < self.oracle_recall.to(draws)[labels],
                from_annotation=torch.ones_like(marked),
                matches_annotation=torch.zeros_like(marked))
            if teacher is None:
                detections.append(annotations)
                continue
            matches = found_by(teacher, annotations, self.oracle_match_iou)
            detections.append(
                InstanceData.cat(
                    [annotations,
                     self._teacher_candidates(teacher, matches)]))
        return detections

    def _annotations(self, data_sample) -> InstanceData:
        """The annotations of a teacher view, or an error naming the image
        when its pipeline did not load them."""
        gt = data_sample.get('gt_instances')
        if gt is None or 'bboxes' not in gt:
            raise ValueError(
                f'{type(self).__name__} reads the annotations of the '
                'unlabeled images, and the teacher view of '
                f'{data_sample.get("img_path", "an image")} has none: '
                'load them with mmdet.LoadAnnotations in the unlabeled '
                'pipeline')
        return gt

    @staticmethod
    def _teacher_candidates(teacher: InstanceData,
                            matches: torch.Tensor) -> InstanceData:
        """The real teacher's detections with the oracle's fields: not kept
        (``oracle_keep`` False, until the judge marks its hits), not
        annotations, ``matches_annotation`` as given."""
        return InstanceData(
            bboxes=teacher.bboxes,
            labels=teacher.labels,
            scores=teacher.scores,
            oracle_keep=torch.zeros_like(matches),
            from_annotation=torch.zeros_like(matches),
            matches_annotation=matches)

    def judged_candidates(
            self, found: List[InstanceData], batch_inputs: torch.Tensor,
            batch_data_samples: SampleList) -> List[InstanceData]:
        """The judge of ``teacher_hits_only``: the teacher's detections
        ``found``, ``oracle_keep`` set on the ``pseudo_label_filter``'s
        picks that hit an annotation of the view (in score order, each a
        free annotation of its class at IoU ``match_iou`` or more:
        :func:`first_hit_truths`); with ``hit_extents='annotation'``, the
        hits at the boxes of the annotations they hit."""
        it, max_iters = self.current_iter()
        picked, _ = super().pseudo_label_masks(found, batch_inputs,
                                               batch_data_samples,
                                               it / max_iters)
        judged = []
        for teacher, pick, sample in zip(found, picked, batch_data_samples):
            gt = self._annotations(sample)
            index = pick.nonzero().flatten()
            index = index[teacher.scores[index].argsort(descending=True)]
            gt_boxes = get_box_tensor(gt.bboxes).float()
            truths = first_hit_truths(teacher.bboxes[index],
                                      teacher.labels[index], gt_boxes,
                                      gt.labels, self.oracle_match_iou)
            hit = truths >= 0
            candidates = self._teacher_candidates(
                teacher, torch.zeros_like(pick))
            candidates.oracle_keep[index[hit]] = True
            if self.oracle_true_extents:
                bboxes = teacher.bboxes.clone()
                bboxes[index[hit]] = gt_boxes[truths[hit]].to(bboxes)
                candidates.bboxes = bboxes
            judged.append(candidates)
        return judged

    def pseudo_label_masks(self, candidates: List[InstanceData],
                           batch_inputs: torch.Tensor,
                           batch_data_samples: SampleList, progress: float):
        """The candidates the oracle keeps (the annotations of its draw, or
        the judge's hits), and with ``teacher_false_positives`` the
        filter's picks from the teacher's detections that match no
        annotation."""
        masks = [c.oracle_keep.clone() for c in candidates]
        if self.oracle_false_positives:
            teacher = [c[~c.from_annotation] for c in candidates]
            picked, _ = super().pseudo_label_masks(teacher, batch_inputs,
                                                   batch_data_samples,
                                                   progress)
            for mask, cand, pick, det in zip(masks, candidates, picked,
                                             teacher):
                mask[~cand.from_annotation] = pick & ~det.matches_annotation
        return masks, None

    def split_candidates(self, candidates: InstanceData,
                         keep: torch.Tensor) -> Tuple[InstanceData, ...]:
        """DSYM's split, less the teacher's detections of annotated
        defects: the annotation's own draw decides for those."""
        stand_in = candidates.matches_annotation
        return super().split_candidates(candidates[~stand_in],
                                        keep[~stand_in])

    @torch.no_grad()
    def get_pseudo_instances(self, batch_inputs: torch.Tensor,
                             batch_data_samples: SampleList):
        samples, batch_info = super().get_pseudo_instances(
            batch_inputs, batch_data_samples)
        if self.oracle_false_positives:
            batch_info['num_false_positives'] = sum(
                int((~s.gt_instances.from_annotation).sum()) for s in samples)
        return samples, batch_info
