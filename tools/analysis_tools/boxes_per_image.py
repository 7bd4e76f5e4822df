# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Boxes per image of each class in a config's labeled images: the
``boxes_per_image`` of its ``ClassFrequencyThresholdFilter``.

    python tools/analysis_tools/boxes_per_image.py CONFIG [--check] \
        [--cfg-options train_dataloader.dataset.datasets.0.ann_file=...]

The filter keeps, per class, as many of the teacher's boxes per unlabeled
image as the labeled images hold (docs/dsym.md), so a config for another
dataset or split needs these numbers from its own labeled file. The
labeled dataset is the first of a semi-supervised config's
``train_dataloader.dataset.datasets`` (the dataset itself for a supervised
config), read as training reads it (its ``filter_cfg`` included; the
pipeline is not run), and ignored instances do not count. With a filter in
the config the tool compares; ``--check`` exits 1 when they differ by more
than the rounding.
"""
import argparse
import sys
from typing import Optional

import numpy as np
from mmengine.config import ConfigDict, DictAction
from mmengine.registry import init_default_scope

from dsym_mm.apis import load_config
from dsym_mm.models import per_class_filters
from dsym_mm.registry import TASK_UTILS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--decimals', type=int, default=2)
    parser.add_argument(
        '--check', action='store_true',
        help="exit 1 if the config's filter holds other numbers")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def labeled_dataset_cfg(cfg) -> ConfigDict:
    dataset = cfg.train_dataloader.dataset
    return dataset.datasets[0] if 'datasets' in dataset else dataset


def count_boxes_per_image(dataset_cfg: ConfigDict):
    """(boxes per image of each class, number of images, class names)."""
    from mmdet.registry import DATASETS
    # no pipeline (only the annotations are read), no serialisation (an
    # empty list cannot be packed, and the error would not say which file)
    dataset = DATASETS.build(
        dict(dataset_cfg, pipeline=[], serialize_data=False))
    classes = dataset.metainfo['classes']
    if len(dataset) == 0:
        raise ValueError(f'{dataset_cfg.get("data_root", "")}'
                         f'{dataset_cfg.ann_file}: no images')
    counts = np.zeros(len(classes))
    for i in range(len(dataset)):
        labels = [
            instance['bbox_label']
            for instance in dataset.get_data_info(i)['instances']
            if not instance.get('ignore_flag', 0)
        ]
        np.add.at(counts, np.asarray(labels, dtype=int), 1)
    return counts / len(dataset), len(dataset), classes


def find_boxes_per_image(filter_cfg) -> Optional[list]:
    """The ``boxes_per_image`` of the filter that ``filter_cfg`` builds, also
    inside a ``SequentialPseudoLabelFilter`` (None if it counts none)."""
    if filter_cfg is None:
        return None
    pl_filter = TASK_UTILS.build(filter_cfg)
    for _, module in per_class_filters(pl_filter):
        if hasattr(module, 'boxes_per_image'):
            # float32 buffer: back to the config's decimals
            return [round(v, 6) for v in module.boxes_per_image.tolist()]
    return None


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    dataset_cfg = labeled_dataset_cfg(cfg)
    density, num_images, classes = count_boxes_per_image(dataset_cfg)
    print(f'{dataset_cfg.get("data_root", "")}{dataset_cfg.ann_file}: '
          f'{num_images} images')
    for name, value in zip(classes, density):
        print(f'  {name:<20} {value:.4f}')
    rounded = [round(float(v), args.decimals) for v in density]
    print(f'boxes_per_image={rounded}')
    semi = cfg.model.get('semi_train_cfg') or {}
    configured = find_boxes_per_image(semi.get('pseudo_label_filter'))
    if configured is None:
        print('the config has no boxes_per_image to compare with')
        return 0
    tolerance = 0.5 * 10**-args.decimals + 1e-9
    if (len(configured) == len(density)
            and np.allclose(configured, density, rtol=0, atol=tolerance)):
        print('the config\'s filter holds these numbers')
        return 0
    print(f'the config\'s filter holds {configured}: set '
          'model.semi_train_cfg.pseudo_label_filter.boxes_per_image')
    return 1 if args.check else 0


if __name__ == '__main__':
    sys.exit(main())
