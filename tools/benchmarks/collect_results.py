# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""Table of test results from ``tools/test.py``'s ``metrics.json`` files.

    python tools/benchmarks/collect_results.py work_dirs/*/test/metrics.json \
        --write docs/results.md

Each row gives the command that produced it; mAP@0.5 is shown as VOC area
and as COCO AP50, then the VOC AP@0.5 of every class.
"""
import argparse
import json
import os.path as osp

from doc_sections import write_section


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('files', nargs='+', help='metrics.json files')
    parser.add_argument('--write', help='markdown file to update')
    parser.add_argument('--section', default='results')
    return parser.parse_args(argv)


def rows(files):
    runs = [json.load(open(f)) for f in files]
    classes = []
    for run in runs:
        for key in run['metrics']:
            name = key[len('voc/AP50_'):]
            if key.startswith('voc/AP50_') and name not in classes:
                classes.append(name)
    lines = [
        '| config | mAP@0.5 VOC | COCO AP50 | ' + ' | '.join(classes) +
        ' | command |', '|---' * (len(classes) + 4) + '|'
    ]
    for run in runs:
        m = run['metrics']
        name = osp.splitext(osp.basename(run['config']))[0]
        per_class = ' | '.join(
            f"{100 * m[f'voc/AP50_{c}']:.1f}" if f'voc/AP50_{c}' in m else '-'
            for c in classes)
        cmd = (f"`python tools/train.py {run['config']}` then "
               f"`python tools/test.py {run['config']} {run['checkpoint']}`")
        lines.append(f"| {name} | {100 * m['voc/AP50']:.1f} | "
                     f"{100 * m['coco/bbox_mAP_50']:.1f} | {per_class} | "
                     f'{cmd} |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    text = rows(args.files)
    print(text)
    if args.write:
        write_section(args.write, args.section, text)


if __name__ == '__main__':
    main()
