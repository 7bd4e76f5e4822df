# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Pascal VOC XML reading and COCO JSON writing with strict validation.

Every error names the file and the XML field that is wrong, so that a bad
annotation in a user's dataset is found at conversion time rather than as a
silent zero AP after hours of training.
"""
import os.path as osp
import random
import warnings
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional, Sequence

from PIL import Image


class AnnotationError(ValueError):
    """A dataset file is missing, malformed or inconsistent."""


def _field(node, path: str, xml_path: str, where: str = '') -> str:
    found = node.find(path)
    if found is None or found.text is None or not found.text.strip():
        raise AnnotationError(f'{xml_path}: missing field <{where}{path}>')
    return found.text.strip()


def _number(node, path: str, xml_path: str, where: str = '') -> float:
    text = _field(node, path, xml_path, where)
    try:
        return float(text)
    except ValueError:
        raise AnnotationError(
            f'{xml_path}: field <{where}{path}> is not a number: {text!r}')


def parse_voc_xml(xml_path: str,
                  classes: Sequence[str],
                  img_path: Optional[str] = None,
                  clip_boxes: bool = False,
                  stats: Optional[Dict[str, int]] = None) -> dict:
    """Read one Pascal VOC XML file.

    Boxes use each ``<object>/<name>``. VOC pixel coordinates are 1-based and
    inclusive; they are returned as 0-based ``[x1, y1, x2, y2]`` pixel-edge
    coordinates (``xmin - 1, ymin - 1, xmax, ymax``), as MMDetection's
    ``XMLDataset`` does.

    Args:
        xml_path: the annotation file.
        classes: known class names; any other ``<name>`` is an error.
        img_path: if given, the image must exist and its size must match
            ``<size>``.
        clip_boxes: clip boxes that leave the image (counted in
            ``stats['clipped']``) instead of raising.
        stats: counters updated in place (``clipped``, ``duplicates``).

    Returns:
        dict with ``width``, ``height``, ``bboxes`` (list of 4 floats),
        ``labels`` (class indices) and ``difficult`` (bools).
    """
    stats = stats if stats is not None else {}
    if not osp.isfile(xml_path):
        raise AnnotationError(f'{xml_path}: annotation file not found')
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as e:
        raise AnnotationError(f'{xml_path}: malformed XML ({e})') from e
    width = int(_number(root, 'size/width', xml_path))
    height = int(_number(root, 'size/height', xml_path))
    if width <= 0 or height <= 0:
        raise AnnotationError(
            f'{xml_path}: field <size> is {width}x{height}, not positive')
    if img_path is not None:
        if not osp.isfile(img_path):
            raise AnnotationError(
                f'{xml_path}: image {img_path} not found')
        try:
            with Image.open(img_path) as img:
                img_w, img_h = img.size
        except OSError as e:
            raise AnnotationError(f'{img_path}: unreadable image ({e})')
        if (img_w, img_h) != (width, height):
            raise AnnotationError(
                f'{xml_path}: field <size> is {width}x{height} but image '
                f'{img_path} is {img_w}x{img_h}')

    bboxes, labels, difficult, seen = [], [], [], set()
    for i, obj in enumerate(root.findall('object')):
        where = f'object[{i}]/'
        name = _field(obj, 'name', xml_path, where)
        if name not in classes:
            raise AnnotationError(
                f'{xml_path}: field <{where}name> has unknown class '
                f'{name!r}; known classes: {list(classes)}')
        coords = [
            _number(obj, f'bndbox/{k}', xml_path, where)
            for k in ('xmin', 'ymin', 'xmax', 'ymax')
        ]
        x1, y1, x2, y2 = coords[0] - 1, coords[1] - 1, coords[2], coords[3]
        if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
            if not clip_boxes:
                raise AnnotationError(
                    f'{xml_path}: field <{where}bndbox> '
                    f'({coords[0]:g},{coords[1]:g},{coords[2]:g},'
                    f'{coords[3]:g}) is outside the {width}x{height} image '
                    '(pass clip_boxes=True / --clip-boxes to clip it)')
            x1, y1 = max(x1, 0.), max(y1, 0.)
            x2, y2 = min(x2, float(width)), min(y2, float(height))
            stats['clipped'] = stats.get('clipped', 0) + 1
        if x2 <= x1 or y2 <= y1:
            raise AnnotationError(
                f'{xml_path}: field <{where}bndbox> is degenerate '
                f'({coords[0]:g},{coords[1]:g},{coords[2]:g},{coords[3]:g})')
        label = classes.index(name)
        key = (label, x1, y1, x2, y2)
        if key in seen:  # exact duplicate box: keep one
            stats['duplicates'] = stats.get('duplicates', 0) + 1
            continue
        seen.add(key)
        flag = obj.find('difficult')
        bboxes.append([x1, y1, x2, y2])
        labels.append(label)
        difficult.append(flag is not None and (flag.text or '').strip() == '1')
    return dict(
        width=width,
        height=height,
        bboxes=bboxes,
        labels=labels,
        difficult=difficult)


def to_coco(records: List[dict], classes: Sequence[str],
            with_annotations: bool = True) -> dict:
    """Build a COCO detection dict from :func:`parse_voc_xml` records.

    Each record also needs ``file_name``, and may give its image ``id``
    (numbered from 1 in list order otherwise). With
    ``with_annotations=False`` the
    file lists images only (for unlabeled data: no label can leak into
    training). ``difficult`` is kept as an extra annotation field; it is not
    mapped to ``iscrowd``, so difficult boxes are trained on and evaluated
    like any other box.
    """
    images, annotations = [], []
    for position, rec in enumerate(records, start=1):
        img_id = rec.get('id', position)
        images.append(
            dict(
                id=img_id,
                file_name=rec['file_name'],
                width=rec['width'],
                height=rec['height']))
        if not with_annotations:
            continue
        for (x1, y1, x2, y2), label, diff in zip(rec['bboxes'],
                                                 rec['labels'],
                                                 rec['difficult']):
            w, h = x2 - x1, y2 - y1
            annotations.append(
                dict(
                    id=len(annotations) + 1,
                    image_id=img_id,
                    category_id=label + 1,
                    bbox=[x1, y1, w, h],
                    area=w * h,
                    iscrowd=0,
                    difficult=int(diff)))
    return dict(
        images=images,
        annotations=annotations,
        categories=[
            dict(id=i + 1, name=name) for i, name in enumerate(classes)
        ])


def nested_stratified_subsets(groups: Dict[str, List[str]],
                              fractions: Sequence[float],
                              seed: int,
                              fixed: Optional[Dict[float, List[str]]] = None
                              ) -> Dict[float, List[str]]:
    """Draw nested subsets (smaller ⊂ larger), stratified by group.

    Args:
        groups: group (class) -> sorted member ids of the pool.
        fractions: subset sizes as fractions of each group, e.g.
            ``[0.1, 0.2, 0.4, 1.0]``.
        seed: fixes every random choice.
        fixed: subsets given in advance (e.g. the paper authors' 20 % list);
            smaller fractions are drawn inside them, larger ones grow them.

    Returns:
        fraction -> sorted ids.
    """
    fixed = fixed or {}
    fractions = sorted(fractions)
    rng = random.Random(seed)
    chosen: Dict[float, Dict[str, List[str]]] = {}
    for frac, ids in fixed.items():
        by_group = {g: sorted(set(ids) & set(m)) for g, m in groups.items()}
        for g, m in groups.items():
            if len(by_group[g]) != round(frac * len(m)):
                raise AnnotationError(
                    f'fixed {frac:.0%} subset has {len(by_group[g])} ids of '
                    f'group {g!r}, expected {round(frac * len(m))}')
        chosen[frac] = by_group
    anchors = sorted(chosen)
    for frac in fractions:
        if frac in chosen:
            continue
        larger = [a for a in anchors if a > frac]
        smaller = [f for f in chosen if f < frac]
        result = {}
        for g, members in groups.items():
            k = round(frac * len(members))
            if larger:  # draw inside the nearest larger subset
                pool = chosen[larger[0]][g]
                inner = chosen[max(smaller)][g] if smaller else []
            else:  # grow the nearest smaller subset from the pool
                pool = members
                inner = chosen[max(smaller)][g] if smaller else []
            rest = sorted(set(pool) - set(inner))
            result[g] = sorted(inner + rng.sample(rest, k - len(inner)))
        chosen[frac] = result
    return {
        f: sorted(i for ids in chosen[f].values() for i in ids)
        for f in fractions
    }


def warn_counts(stats: Dict[str, int], what: str) -> None:
    """Emit one warning per non-zero counter of :func:`parse_voc_xml`."""
    messages = dict(
        clipped='boxes outside the image were clipped to it',
        duplicates='exact duplicate boxes (same class and coordinates in '
        'one file) were dropped')
    for key, n in sorted(stats.items()):
        if n:
            warnings.warn(f'{what}: {n} {messages.get(key, key)}')
