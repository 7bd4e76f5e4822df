# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Table of test results from ``tools/test.py``'s ``metrics.json`` files.

    python tools/benchmarks/collect_results.py work_dirs/*/metrics.json \
        --write docs/results.md

Each row gives the NMS IoU threshold the detector was tested with (mAP
depends on it; "no NMS" for a detector without one, "not recorded" for
``metrics.json`` files written before ``tools/test.py`` recorded it),
mAP@0.5 as VOC area and as COCO AP50, the VOC AP@0.5 of every class, and
the command that produced it; the rows of one threshold stand together.

With ``--write``, the rows already in the file's section are kept unless a
given ``metrics.json`` is for the same config (its row is then replaced):
work directories are not kept in the repository, and a table must not lose
the runs of an earlier machine. ``--replace`` writes only the given runs.
"""
import argparse
import json
import os
import os.path as osp

from doc_sections import read_section, write_section


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('files', nargs='+', help='metrics.json files')
    parser.add_argument('--write', help='markdown file to update')
    parser.add_argument('--section', default='results')
    parser.add_argument(
        '--replace',
        action='store_true',
        help='drop the rows already in the section instead of merging')
    return parser.parse_args(argv)


def header(classes):
    return [
        '| config | NMS IoU | mAP@0.5 VOC | COCO AP50 | ' +
        ' | '.join(classes) + ' | command |', '|---' * (len(classes) + 5) + '|'
    ]


def shown_path(path):
    """``path``, normalised, relative to the working directory when it lies
    inside it: the commands in the docs must work in any clone."""
    if osp.isabs(path):
        rel = osp.relpath(path, os.getcwd())
        if not rel.startswith(os.pardir):
            return rel
    return osp.normpath(path)


def run_rows(files):
    """Class names and ``{config name: table row}`` of the given runs."""
    runs = [json.load(open(f)) for f in files]
    classes = []
    for run in runs:
        for key in run['metrics']:
            name = key[len('voc/AP50_'):]
            if key.startswith('voc/AP50_') and name not in classes:
                classes.append(name)
    table = {}
    for run in runs:
        m = run['metrics']
        name = osp.splitext(osp.basename(run['config']))[0]
        per_class = ' | '.join(
            f"{100 * m[f'voc/AP50_{c}']:.1f}" if f'voc/AP50_{c}' in m else '-'
            for c in classes)
        config, checkpoint = (shown_path(run[k])
                              for k in ('config', 'checkpoint'))
        cmd = (f'`python tools/train.py {config}` then '
               f'`python tools/test.py {config} {checkpoint}`')
        if 'nms_iou_thr' not in run:
            nms = 'not recorded'
        elif run['nms_iou_thr'] is None:
            nms = 'no NMS'
        else:
            nms = f"{run['nms_iou_thr']:g}"
        table[name] = (f"| {name} | {nms} | {100 * m['voc/AP50']:.1f} | "
                       f"{100 * m['coco/bbox_mAP_50']:.1f} | {per_class} | "
                       f'{cmd} |')
    return classes, table


def merge(old_section, classes, table, source):
    """``{config name: row}`` of the rows in ``old_section``, updated with
    ``table`` (a given run replaces the old row of its config).

    The old table must have the same columns: rows of different classes
    cannot be merged.
    """
    lines = old_section.splitlines()
    if lines[:1] != header(classes)[:1]:
        raise ValueError(
            f'{source}: the table in the section has the columns '
            f'{lines[:1]}, the runs {header(classes)[:1]}; use --replace '
            'or another --section')
    merged = {
        line.split('|')[1].strip(): line
        for line in lines[2:] if line.startswith('|')
    }
    merged.update(table)
    return merged


def main(argv=None):
    args = parse_args(argv)
    classes, table = run_rows(args.files)
    old = (None if args.replace or not args.write else read_section(
        args.write, args.section))
    if old:
        table = merge(old, classes, table, f'{args.write} [{args.section}]')
    # rows tested at one NMS threshold stand together
    order = sorted(table, key=lambda k: (table[k].split('|')[2].strip(), k))
    text = '\n'.join(header(classes) + [table[k] for k in order])
    print(text)
    if args.write:
        write_section(args.write, args.section, text)


if __name__ == '__main__':
    main()
