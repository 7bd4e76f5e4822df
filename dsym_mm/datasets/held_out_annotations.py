# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""The held-back annotations of a split's unlabeled images, for diagnostics
that score on them (pseudo-label quality, choosing an NMS threshold).
Training never reads them."""
import json


def annotations_of_images(images_ann: str, gt_ann: str, out_file: str) -> str:
    """Write ``out_file``: the images of the COCO file ``images_ann`` (an
    unlabeled split, without annotations) with their annotations from the
    COCO file ``gt_ann``, matched by file name (image ids are per file).
    Returns ``out_file``."""
    with open(images_ann) as f:
        names = {img['file_name'] for img in json.load(f)['images']}
    with open(gt_ann) as f:
        coco = json.load(f)
    coco['images'] = [i for i in coco['images'] if i['file_name'] in names]
    ids = {i['id'] for i in coco['images']}
    coco['annotations'] = [
        a for a in coco['annotations'] if a['image_id'] in ids
    ]
    if len(coco['images']) != len(names):
        raise ValueError(f'{gt_ann} holds {len(coco["images"])} of the '
                         f'{len(names)} images of {images_ann}')
    with open(out_file, 'w') as f:
        json.dump(coco, f)
    return out_file
