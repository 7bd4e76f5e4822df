# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Convert NEU-DET (Pascal VOC XML) to COCO JSON files, one per split.

    python tools/dataset_converters/neu_det.py \
        --src data/NEU-DET --out data/neu_det

``--src`` holds ``images/<class>_<n>.jpg`` and ``annotations/<class>_<n>.xml``.
The output folder gets ``annotations/<split>.json`` and ``images`` (a link to
the source images). Splits come from the committed files in ``splits/neu_det``:

* ``test``: ``<class>_271`` .. ``<class>_300`` (180 images), the DSYM authors'
  held-out set;
* ``labeled_{10,20,40,100}``: nested class-stratified subsets of the pool
  ``<class>_1`` .. ``<class>_270``; 20 % is exactly the authors'
  ``s_train_split.txt``;
* ``unlabeled_{10,20,40}``: the pool minus the labeled subset, written
  *without* annotations.

``--make-splits`` regenerates the split files (deterministic for a seed).
"""
import argparse
import json
import os
import os.path as osp
import sys
from collections import Counter

from dsym_mm.datasets.voc_annotations import (
    AnnotationError,
    nested_stratified_subsets,
    parse_voc_xml,
    to_coco,
    warn_counts,
)

CLASSES = ('crazing', 'inclusion', 'patches', 'pitted_surface',
           'rolled-in_scale', 'scratches')
POOL_RANGE, TEST_RANGE = (1, 270), (271, 300)
FRACTIONS = (10, 20, 40, 100)
SEED = 20260
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SPLIT_DIR = osp.join(REPO, 'splits', 'neu_det')


def stem_class(stem: str) -> str:
    cls, _, num = stem.rpartition('_')
    if cls not in CLASSES or not num.isdigit():
        raise AnnotationError(f'{stem}: file name is not <class>_<n>')
    return cls


def stems(lo: int, hi: int):
    return [f'{c}_{n}' for c in CLASSES for n in range(lo, hi + 1)]


def read_split(path: str):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def write_split(path: str, ids) -> None:
    with open(path, 'w') as f:
        f.write(''.join(f'{i}\n' for i in sorted(ids)))


def make_splits(authors_20pct: str, out_dir: str = SPLIT_DIR,
                seed: int = SEED) -> dict:
    """Write test / labeled / unlabeled stem lists; returns them."""
    pool = stems(*POOL_RANGE)
    groups = {c: sorted(s for s in pool if stem_class(s) == c)
              for c in CLASSES}
    fixed = read_split(authors_20pct)
    unknown = sorted(set(fixed) - set(pool))
    if unknown:
        raise AnnotationError(
            f'{authors_20pct}: {len(unknown)} ids not in the pool, '
            f'e.g. {unknown[:3]}')
    subsets = nested_stratified_subsets(
        groups, [f / 100 for f in FRACTIONS], seed, fixed={0.2: fixed})
    splits = {'test': stems(*TEST_RANGE)}
    for frac in FRACTIONS:
        labeled = subsets[frac / 100]
        splits[f'labeled_{frac}'] = labeled
        if frac < 100:
            splits[f'unlabeled_{frac}'] = sorted(set(pool) - set(labeled))
    os.makedirs(out_dir, exist_ok=True)
    for name, ids in splits.items():
        write_split(osp.join(out_dir, f'{name}.txt'), ids)
    return splits


def convert(src: str, out: str, split_dir: str = SPLIT_DIR,
            clip_boxes: bool = False) -> dict:
    """Write ``out/annotations/<split>.json`` for every split file."""
    img_dir, xml_dir = osp.join(src, 'images'), osp.join(src, 'annotations')
    for d in (img_dir, xml_dir):
        if not osp.isdir(d):
            raise AnnotationError(f'{d}: folder not found')
    names = sorted(f[:-4] for f in os.listdir(split_dir) if f.endswith('.txt'))
    if not names:
        raise AnnotationError(f'{split_dir}: no split files')
    splits = {
        name: read_split(osp.join(split_dir, f'{name}.txt'))
        for name in names
    }
    # one id per image across all files, so that they can be merged
    image_ids = {
        stem: i
        for i, stem in enumerate(sorted(set().union(*splits.values())), 1)
    }
    stats, records, summary = Counter(), {}, {}
    os.makedirs(osp.join(out, 'annotations'), exist_ok=True)
    for name, stems in splits.items():
        recs = []
        for stem in stems:
            if stem not in records:
                rec = parse_voc_xml(
                    osp.join(xml_dir, f'{stem}.xml'), CLASSES,
                    img_path=osp.join(img_dir, f'{stem}.jpg'),
                    clip_boxes=clip_boxes, stats=stats)
                rec.update(file_name=f'{stem}.jpg', id=image_ids[stem])
                records[stem] = rec
            recs.append(records[stem])
        coco = to_coco(recs, CLASSES,
                       with_annotations=not name.startswith('unlabeled'))
        with open(osp.join(out, 'annotations', f'{name}.json'), 'w') as f:
            json.dump(coco, f)
        summary[name] = (len(coco['images']), len(coco['annotations']))
    link = osp.join(out, 'images')
    if not osp.exists(link):
        os.symlink(osp.abspath(img_dir), link)
    warn_counts(stats, src)
    return summary


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--src', default=osp.join(REPO, 'data', 'NEU-DET'),
                        help='raw NEU-DET with images/ and annotations/')
    parser.add_argument('--out', default=osp.join(REPO, 'data', 'neu_det'))
    parser.add_argument('--split-dir', default=SPLIT_DIR)
    parser.add_argument('--clip-boxes', action='store_true',
                        help='clip boxes outside the image (with a counted '
                        'warning) instead of stopping with an error')
    parser.add_argument('--make-splits', metavar='AUTHORS_20PCT',
                        help='regenerate the split files from the authors\' '
                        's_train_split.txt')
    parser.add_argument('--seed', type=int, default=SEED)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.make_splits:
            make_splits(args.make_splits, args.split_dir, args.seed)
        summary = convert(args.src, args.out, args.split_dir, args.clip_boxes)
    except AnnotationError as e:
        sys.exit(f'error: {e}')
    for name, (n_img, n_box) in summary.items():
        print(f'{name:>14}: {n_img:5d} images {n_box:5d} boxes')


if __name__ == '__main__':
    main()
