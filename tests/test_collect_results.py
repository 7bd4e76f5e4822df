# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""tools/benchmarks/collect_results.py: the README's results table."""
import json
import sys

import pytest

from .conftest import REPO, load_tool

sys.path.insert(0, f'{REPO}/tools/benchmarks')  # its doc_sections import
collect_results = load_tool('benchmarks', 'collect_results.py')


def metrics(tmp_path, config, voc, per_class, nms_iou_thr=0.5):
    m = {'voc/AP50': voc, 'coco/bbox_mAP_50': voc - 0.01}
    m.update({f'voc/AP50_{c}': v for c, v in per_class.items()})
    run = dict(
        config=f'configs/{config}.py',
        checkpoint=f'work_dirs/{config}/epoch_100.pth',
        nms_iou_thr=nms_iou_thr,
        metrics=m)
    if nms_iou_thr == 'absent':  # a metrics.json older than the field
        del run['nms_iou_thr']
    path = tmp_path / f'{config}.json'
    path.write_text(json.dumps(run))
    return str(path)


def write(tmp_path, run):
    path = tmp_path / 'run.json'
    path.write_text(json.dumps(run))
    return str(path)


def table_rows(doc):
    text = doc.read_text()
    body = text[text.index('<!-- results:begin -->'):
                text.index('<!-- results:end -->')]
    return [
        line.split('|')[1].strip() for line in body.splitlines()[3:]
        if line.startswith('|')
    ]


def test_write_keeps_rows_of_runs_not_given_and_replaces_given(tmp_path):
    doc = tmp_path / 'README.md'
    doc.write_text('# intro\n\nprose stays\n')
    a = metrics(tmp_path, 'b_run', 0.5, dict(crazing=0.3, patches=0.7))
    b = metrics(tmp_path, 'a_run', 0.6, dict(crazing=0.4, patches=0.8))
    collect_results.main([a, b, '--write', str(doc)])
    assert table_rows(doc) == ['a_run', 'b_run']

    # a new machine has only one new run, and a re-run of b_run
    # (tested at another NMS threshold: the rows of one threshold together)
    c = metrics(tmp_path, 'c_run', 0.7, dict(crazing=0.5, patches=0.9))
    b2 = metrics(tmp_path, 'b_run', 0.55, dict(crazing=0.35, patches=0.75),
                 nms_iou_thr=0.7)
    d = metrics(tmp_path, 'd_run', 0.4, dict(crazing=0.2, patches=0.6),
                nms_iou_thr='absent')
    e = metrics(tmp_path, 'e_run', 0.3, dict(crazing=0.1, patches=0.5),
                nms_iou_thr=None)
    collect_results.main([e, d, c, b2, '--write', str(doc)])
    text = doc.read_text()
    assert table_rows(doc) == ['a_run', 'c_run', 'b_run', 'e_run', 'd_run']
    assert '| e_run | no NMS | 30.0 |' in text
    assert '| b_run | 0.7 | 55.0 | 54.0 | 35.0 | 75.0 |' in text
    assert '| b_run | 0.5 |' not in text
    assert '| a_run | 0.5 | 60.0 | 59.0 | 40.0 | 80.0 |' in text
    assert '| d_run | not recorded | 40.0 |' in text
    assert text.startswith('# intro\n\nprose stays\n')

    collect_results.main([c, '--write', str(doc), '--replace'])
    assert table_rows(doc) == ['c_run']


def test_commands_show_paths_inside_the_working_directory_relative(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = json.loads(open(metrics(tmp_path, 'a_run', 0.5, {})).read())
    run['checkpoint'] = str(tmp_path / 'work_dirs/a_run/iter_3000.pth')
    run['config'] = 'configs//a_run.py'
    _, table = collect_results.run_rows([write(tmp_path, run)])
    assert '`python tools/test.py configs/a_run.py ' in table['a_run']
    run['config'] = '/elsewhere/configs/a_run.py'
    _, table = collect_results.run_rows([write(tmp_path, run)])
    assert ('`python tools/test.py /elsewhere/configs/a_run.py '
            'work_dirs/a_run/iter_3000.pth`') in table['a_run']


def test_merge_refuses_a_table_of_other_classes(tmp_path):
    doc = tmp_path / 'README.md'
    collect_results.main(
        [metrics(tmp_path, 'a', 0.5, dict(crazing=0.3)), '--write',
         str(doc)])
    other = metrics(tmp_path, 'b', 0.5, dict(dent=0.3))
    with pytest.raises(ValueError, match='README.md.*columns'):
        collect_results.main([other, '--write', str(doc)])
