# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""CPU speed of detectors side by side: training step (forward, loss,
backward, SGD step) and inference latency, with parameters and FLOPs.

    python tools/benchmarks/detector_speed.py \
        configs/yolov9/yolov9_t_1xb16-100e_neu-det-40pct.py \
        configs/yolov8/yolov8_n_1xb16-100e_neu-det-40pct.py \
        --write docs/benchmarks.md

Measurements of the models alternate (A, B, A, B, ...) so that load on a
shared machine hits all of them alike; medians are reported and every ratio
is against the first config (with ``--memory-format both``, against the same
config in NCHW). Inputs are random images of the configs' size
with a few random boxes each; the data pipeline is not timed. Each model runs
in the memory format its config trains in (NHWC with a ``ChannelsLastHook``);
``--memory-format both`` times every config in both formats side by side.
"""
import argparse
import os.path as osp
import statistics
import time

import torch
from doc_sections import write_section  # tools/benchmarks/
from mmdet.structures import DetDataSample
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from dsym_mm.engine import to_channels_last, trains_channels_last
from dsym_mm.registry import MODELS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--train-batch', type=int, default=16)
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--flops-size', type=int,
                        help='input size for the FLOPs count (default: the '
                        'config\'s)')
    parser.add_argument(
        '--memory-format',
        choices=['config', 'contiguous', 'channels_last', 'both'],
        default='config',
        help="the config's (channels_last with a ChannelsLastHook), one "
        'for all, or both side by side')
    parser.add_argument('--write', help='markdown file to update')
    parser.add_argument('--section', default='detector_speed',
                        help='marked block of --write to rewrite')
    return parser.parse_args(argv)


def make_batch(batch: int, size: int, num_classes: int, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.rand(batch, 3, size, size, generator=gen)
    samples = []
    for _ in range(batch):
        n = int(torch.randint(1, 6, (1, ), generator=gen))
        xy = torch.rand(n, 2, generator=gen) * size * 0.6
        wh = 8 + torch.rand(n, 2, generator=gen) * size * 0.35
        s = DetDataSample(metainfo=dict(
            img_shape=(size, size), ori_shape=(size, size),
            batch_input_shape=(size, size), scale_factor=(1., 1.),
            pad_shape=(size, size)))
        s.gt_instances = InstanceData(
            bboxes=torch.cat([xy, (xy + wh).clamp(max=size)], 1),
            labels=torch.randint(0, num_classes, (n, ), generator=gen))
        samples.append(s)
    return inputs, samples


class DenseForward(torch.nn.Module):
    """Backbone, neck and head outputs, without post-processing."""

    def __init__(self, detector):
        super().__init__()
        self.detector = detector

    def forward(self, x):
        return self.detector.bbox_head(self.detector.extract_feat(x))


class Bench:
    """One detector: a model in train mode with an optimizer, and a copy in
    eval mode for batch-1 inference."""

    def __init__(self, cfg: Config, name: str, train_batch: int,
                 channels_last: bool):
        init_default_scope(cfg.get('default_scope', 'mmdet'))
        self.name = name
        self.size = cfg.neu_img_scale[0]
        num_classes = len(cfg.train_dataloader.dataset.metainfo.classes)
        # heads that change their assigner after the first epochs (TOOD)
        # read the epoch: time the last one's, as most of a run trains
        self.epoch = cfg.train_cfg.get('max_epochs', 1) - 1
        self.model = MODELS.build(cfg.model)
        self.model.init_weights()
        if channels_last:  # as ChannelsLastHook does; inputs stay NCHW
            to_channels_last(self.model)
        self.optim = torch.optim.SGD(self.model.parameters(), lr=1e-4,
                                     momentum=0.9)
        self.train_inputs, self.train_samples = make_batch(
            train_batch, self.size, num_classes)
        self.test_inputs, self.test_samples = make_batch(
            1, self.size, num_classes, seed=1)
        self.params = sum(p.numel() for p in self.model.parameters())
        self.train_times, self.infer_times = [], []

    def train_step(self) -> float:
        self.model.train()
        MessageHub.get_current_instance().update_info('epoch', self.epoch)
        start = time.perf_counter()
        losses = self.model.loss(self.train_inputs, self.train_samples)
        loss, _ = self.model.parse_losses(losses)  # per-level lists too
        self.optim.zero_grad()
        loss.backward()
        self.optim.step()
        return time.perf_counter() - start

    @torch.no_grad()
    def infer(self) -> float:
        self.model.eval()
        start = time.perf_counter()
        self.model.predict(self.test_inputs, self.test_samples)
        return time.perf_counter() - start

    def gflops(self, size: int) -> float:
        info = get_model_complexity_info(
            DenseForward(self.model.eval()),
            inputs=(torch.rand(1, 3, size, size), ),
            show_table=False, show_arch=False)
        return 2 * info['flops'] / 1e9  # multiply-adds -> FLOPs


def build_benches(args) -> list:
    """One bench per config and memory format."""
    benches = []
    for path in args.configs:
        cfg = Config.fromfile(path)
        name = osp.splitext(osp.basename(path))[0]
        formats = {
            'config': [trains_channels_last(cfg)],
            'contiguous': [False],
            'channels_last': [True],
            'both': [False, True]
        }[args.memory_format]
        own_first = len(benches)
        for nhwc in formats:
            label = name if len(formats) == 1 else \
                f"{name} ({'NHWC' if nhwc else 'NCHW'})"
            bench = Bench(cfg, label, args.train_batch, nhwc)
            benches.append(bench)
            # ratios: against the same config's NCHW row when both formats
            # are timed, else against the first config
            bench.ref = benches[own_first if len(formats) > 1 else 0]
    return benches


def table(benches, args) -> str:
    flops_size = args.flops_size or benches[0].size
    rows = [
        f'| model | params (M) | GFLOPs @{flops_size} | train step, batch '
        f'{args.train_batch} (ms) | ratio | latency, batch 1 (ms) | ratio |',
        '|---|---|---|---|---|---|---|'
    ]
    for b in benches:
        tr = statistics.median(b.train_times)
        inf = statistics.median(b.infer_times)
        ref_train = statistics.median(b.ref.train_times)
        ref_infer = statistics.median(b.ref.infer_times)
        gflops = b.gflops(flops_size)
        rows.append(f'| {b.name} | {b.params / 1e6:.2f} | {gflops:.2f} '
                    f'| {1e3 * tr:.0f} | {tr / ref_train:.2f} '
                    f'| {1e3 * inf:.1f} | {inf / ref_infer:.2f} |')
    return '\n'.join(rows)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    benches = build_benches(args)
    for i in range(args.warmup + args.repeats):
        for b in benches:
            t_train, t_infer = b.train_step(), b.infer()
            if i >= args.warmup:
                b.train_times.append(t_train)
                b.infer_times.append(t_infer)
    text = table(benches, args)
    cmd = ('python tools/benchmarks/detector_speed.py ' +
           ' '.join(args.configs) + f' --repeats {args.repeats}' +
           (f' --memory-format {args.memory_format}'
            if args.memory_format != 'config' else '') +
           f' --section {args.section}')
    text = (f'Medians of {args.repeats} alternating runs, '
            f'{args.threads} CPU threads, torch {torch.__version__}.\n'
            f'Command: `{cmd}`\n\n{text}')
    print(text)
    if args.write:
        write_section(args.write, args.section, text)


if __name__ == '__main__':
    main()
