# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
import json
import os
import os.path as osp
import shutil

import pytest

from dsym_mm.datasets import (
    AnnotationError,
    nested_stratified_subsets,
    parse_voc_xml,
)

from .conftest import REPO, load_neu_converter

neu = load_neu_converter()
SPLITS = osp.join(REPO, 'splits', 'neu_det')


def read(name):
    return neu.read_split(osp.join(SPLITS, f'{name}.txt'))


def test_real_xml_uses_box_names_and_drops_exact_duplicates(neu_root):
    stats = {}
    rec = parse_voc_xml(
        osp.join(neu_root, 'annotations', 'crazing_120.xml'), neu.CLASSES,
        img_path=osp.join(neu_root, 'images', 'crazing_120.jpg'),
        stats=stats)
    assert (rec['width'], rec['height']) == (200, 200)
    assert stats == {'duplicates': 1}
    # the duplicate (1,81,117,146) is kept once, as 0-based edges
    assert sum(b == [0.0, 80.0, 117.0, 146.0] for b in rec['bboxes']) == 1
    # scratches_* images hold inclusion boxes: the box's own <name> counts
    names = set()
    for n in range(1, 301):
        r = parse_voc_xml(
            osp.join(neu_root, 'annotations', f'scratches_{n}.xml'),
            neu.CLASSES)
        names.update(neu.CLASSES[i] for i in r['labels'])
    assert 'inclusion' in names


def test_split_files_follow_the_protocol():
    test, pool = read('test'), read('labeled_100')
    assert len(test) == 180 and len(pool) == 1620
    assert not set(test) & set(pool)
    assert all(1 <= int(s.rsplit('_', 1)[1]) <= 270 for s in pool)
    sizes = {10: 27, 20: 54, 40: 108, 100: 270}
    previous = set()
    for pct, per_class in sizes.items():
        labeled = set(read(f'labeled_{pct}'))
        assert previous <= labeled, f'{pct}% does not contain the smaller'
        for cls in neu.CLASSES:
            assert sum(neu.stem_class(s) == cls for s in labeled) == per_class
        if pct < 100:
            unlabeled = set(read(f'unlabeled_{pct}'))
            assert unlabeled == set(pool) - labeled
        previous = labeled


def test_splits_match_the_authors_lists(neu_root):
    authors = osp.join(neu_root, 'splits', 'dsym_repo')
    assert read('labeled_20') == neu.read_split(
        osp.join(authors, 's_train_split.txt'))
    assert read('unlabeled_20') == neu.read_split(
        osp.join(authors, 'Uns_train_split.txt'))
    assert read('test') == neu.read_split(osp.join(authors, 'test_ori.txt'))


def test_make_splits_is_deterministic(neu_root, tmp_path):
    authors = osp.join(neu_root, 'splits', 'dsym_repo', 's_train_split.txt')
    neu.make_splits(authors, str(tmp_path / 'a'))
    for name in os.listdir(SPLITS):
        assert (tmp_path / 'a' / name).read_text() == open(
            osp.join(SPLITS, name)).read(), name
    other = neu.make_splits(authors, str(tmp_path / 'b'), seed=1)
    assert other['labeled_40'] != read('labeled_40')
    assert other['labeled_20'] == read('labeled_20')  # fixed by the authors


def test_nested_subsets_draw_inside_fixed_ones():
    groups = {g: [f'{g}{i:02d}' for i in range(20)] for g in 'ab'}
    fixed = {0.5: [f'{g}{i:02d}' for g in 'ab' for i in range(0, 20, 2)]}
    sub = nested_stratified_subsets(groups, [0.25, 0.5, 0.75], 0, fixed)
    assert set(sub[0.25]) < set(sub[0.5]) < set(sub[0.75])
    assert sub[0.5] == sorted(fixed[0.5])
    assert [len(sub[f]) for f in (0.25, 0.5, 0.75)] == [10, 20, 30]


def test_convert_writes_coco_without_unlabeled_annotations(
        neu_root, tmp_path):
    split_dir = tmp_path / 'splits'
    split_dir.mkdir()
    (split_dir / 'labeled_x.txt').write_text('patches_1\nscratches_50\n')
    (split_dir / 'unlabeled_x.txt').write_text('crazing_3\n')
    (split_dir / 'all_x.txt').write_text('crazing_3\npatches_1\n')
    summary = neu.convert(neu_root, str(tmp_path / 'out'), str(split_dir))
    assert summary['unlabeled_x'] == (1, 0)

    def load(name):
        with open(tmp_path / 'out' / 'annotations' / f'{name}.json') as f:
            return json.load(f)

    coco = load('labeled_x')
    # an image has one id in every file, so files can be merged
    ids = {}
    for name in ('labeled_x', 'unlabeled_x', 'all_x'):
        for image in load(name)['images']:
            assert ids.setdefault(image['file_name'], image['id']) == \
                image['id']
    assert len(set(ids.values())) == 3
    for ann in coco['annotations']:
        assert ann['image_id'] in [i['id'] for i in coco['images']]
    assert [c['name'] for c in coco['categories']] == list(neu.CLASSES)
    assert len(coco['images']) == 2 and summary['labeled_x'][1] > 0
    ann = coco['annotations'][0]
    x, y, w, h = ann['bbox']
    assert w > 0 and h > 0 and x + w <= 200 and y + h <= 200
    assert osp.isfile(tmp_path / 'out' / 'images' / 'patches_1.jpg')


XML = """<annotation><folder>cr</folder><filename>{stem}.jpg</filename>
<size><width>200</width><height>200</height><depth>1</depth></size>
<object><name>{name}</name><difficult>0</difficult><bndbox>
<xmin>{x1}</xmin><ymin>10</ymin><xmax>{x2}</xmax><ymax>50</ymax>
</bndbox></object></annotation>"""


@pytest.fixture
def broken(neu_root, tmp_path):
    """A copy of one real image, with an XML written by the test."""
    for d in ('images', 'annotations'):
        (tmp_path / d).mkdir()
    shutil.copy(osp.join(neu_root, 'images', 'crazing_1.jpg'),
                tmp_path / 'images' / 'crazing_1.jpg')

    def write(text, stem='crazing_1'):
        path = tmp_path / 'annotations' / f'{stem}.xml'
        path.write_text(text)
        return str(path), str(tmp_path / 'images' / f'{stem}.jpg')

    return write


@pytest.mark.parametrize('text, message', [
    (XML.format(stem='crazing_1', name='crazing', x1=5, x2=250),
     'object[0]/bndbox'),
    (XML.format(stem='crazing_1', name='rust', x1=5, x2=50),
     "unknown class 'rust'"),
    (XML.format(stem='crazing_1', name='crazing', x1=5, x2=50)[:-20],
     'malformed XML'),
    (XML.format(stem='crazing_1', name='crazing', x1='a', x2=50),
     'object[0]/bndbox/xmin> is not a number'),
    (XML.format(stem='crazing_1', name='crazing', x1=50, x2=20),
     'degenerate'),
    (XML.format(stem='crazing_1', name='crazing', x1=5, x2=50).replace(
        '<width>200</width>', ''), 'missing field <size/width>'),
])
def test_broken_annotation_errors_name_file_and_field(broken, text, message):
    xml, img = broken(text)
    with pytest.raises(AnnotationError) as err:
        parse_voc_xml(xml, neu.CLASSES, img_path=img)
    assert xml in str(err.value) and message in str(err.value)


def test_missing_image_and_size_mismatch(broken):
    xml, img = broken(XML.format(stem='crazing_1', name='crazing', x1=5,
                                 x2=50))
    with pytest.raises(AnnotationError, match='not found'):
        parse_voc_xml(xml, neu.CLASSES, img_path=img + '.missing')
    xml, img = broken(
        XML.format(stem='crazing_1', name='crazing', x1=5,
                   x2=50).replace('<width>200', '<width>300'))
    with pytest.raises(AnnotationError, match='300x200 but image'):
        parse_voc_xml(xml, neu.CLASSES, img_path=img)


def test_box_outside_image_is_clipped_on_request(broken):
    xml, img = broken(XML.format(stem='crazing_1', name='crazing', x1=5,
                                 x2=250))
    stats = {}
    rec = parse_voc_xml(xml, neu.CLASSES, img_path=img, clip_boxes=True,
                        stats=stats)
    assert rec['bboxes'] == [[4.0, 9.0, 200.0, 50.0]]
    assert stats == {'clipped': 1}


def test_cli_reports_errors_without_traceback(broken, tmp_path):
    broken(XML.format(stem='crazing_1', name='rust', x1=5, x2=50))
    split_dir = tmp_path / 'splits'
    split_dir.mkdir()
    (split_dir / 'labeled_x.txt').write_text('crazing_1\n')
    with pytest.raises(SystemExit) as exit_info:
        neu.main(['--src', str(tmp_path), '--out', str(tmp_path / 'o'),
                  '--split-dir', str(split_dir)])
    assert 'crazing_1.xml' in str(exit_info.value)
