# Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
"""CPU time of the fast selective scans (the fused C++ kernel, the chunked
PyTorch scan) against the sequential reference (one step per position,
mamba-ssm's ``selective_scan_ref`` recurrence).

    python tools/benchmarks/selective_scan_speed.py --write docs/benchmarks.md

The backends run on the same float32 inputs, alternating, and the medians
are compared. The error column is the largest absolute difference from the
same recurrence computed sequentially in float64. Inputs follow a freshly
initialised Mamba block: S4D-real ``A``, ``delta = softplus(raw + bias)``
with the bias giving steps in [1e-3, 0.1], random ``u``, ``B``, ``C``,
``D``, ``z``.
"""
import argparse
import statistics
import time

import torch
from doc_sections import write_section  # tools/benchmarks/

from dsym_mm.models.layers import MambaBlock2d, selective_scan

BACKENDS = ('sequential', 'chunked', 'cpu_kernel')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--lengths', type=int, nargs='+', default=[625, 1024])
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--dim', type=int, default=128)
    parser.add_argument('--state', type=int, default=16)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--write', help='markdown file to update')
    return parser.parse_args(argv)


def mamba_like_inputs(batch, dim, length, state, seed=0):
    """Random activations with the SSM parameters of a freshly initialised
    :class:`MambaBlock2d` (expansion 1, so its inner width is ``dim``)."""
    torch.manual_seed(seed)
    block = MambaBlock2d(dim, d_state=state, expand=1.0)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        return dict(
            u=torch.randn(batch, dim, length, generator=g),
            delta=torch.randn(batch, dim, length, generator=g) * 0.5,
            A=-torch.exp(block.A_log),
            B=torch.randn(batch, 1, state, length, generator=g),
            C=torch.randn(batch, 1, state, length, generator=g),
            D=block.D.clone(),
            z=torch.randn(batch, dim, length, generator=g),
            delta_bias=block.dt_proj_bias.clone())


def timed(fn, backward: bool) -> float:
    start = time.perf_counter()
    out = fn()
    if backward:
        out.sum().backward()
    return time.perf_counter() - start


def bench_length(args, length):
    inputs = mamba_like_inputs(args.batch, args.dim, length, args.state)
    exact = selective_scan(
        **{k: v.double() for k, v in inputs.items()},
        delta_softplus=True, backend='sequential')
    grad_inputs = {k: v.clone().requires_grad_(k in ('u', 'delta', 'B', 'C'))
                   for k, v in inputs.items()}
    row = {}
    for backend in BACKENDS:
        out = selective_scan(**inputs, delta_softplus=True, backend=backend)
        row[backend] = dict(
            error=(out.double() - exact).abs().max().item(), fwd=[], bwd=[])
    for _ in range(args.repeats):
        for backend in BACKENDS:
            with torch.no_grad():
                row[backend]['fwd'].append(timed(lambda: selective_scan(
                    **inputs, delta_softplus=True, backend=backend), False))
            row[backend]['bwd'].append(timed(lambda: selective_scan(
                **grad_inputs, delta_softplus=True, backend=backend), True))
    return row


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    lines = [
        '| L | backend | forward (ms) | speed-up | forward + backward (ms) '
        '| speed-up | max abs error (float32 vs float64) |',
        '|---|---|---|---|---|---|---|'
    ]
    for length in args.lengths:
        row = bench_length(args, length)
        ref_fwd = statistics.median(row['sequential']['fwd'])
        ref_bwd = statistics.median(row['sequential']['bwd'])
        for backend, r in row.items():
            fwd, bwd = statistics.median(r['fwd']), statistics.median(r['bwd'])
            lines.append(
                f'| {length} | {backend} | {1e3 * fwd:.1f} '
                f'| {ref_fwd / fwd:.1f}x | {1e3 * bwd:.1f} '
                f'| {ref_bwd / bwd:.1f}x | {r["error"]:.1e} |')
    cmd = ('python tools/benchmarks/selective_scan_speed.py --lengths ' +
           ' '.join(map(str, args.lengths)) +
           f' --batch {args.batch} --dim {args.dim} --state {args.state}'
           f' --repeats {args.repeats}')
    text = (f'Batch {args.batch}, D = {args.dim}, N = {args.state}, float32; '
            f'medians of {args.repeats} alternating runs, {args.threads} CPU '
            f'threads, torch {torch.__version__}.\nCommand: `{cmd}`\n\n' +
            '\n'.join(lines))
    print(text)
    if args.write:
        write_section(args.write, 'selective_scan_speed', text)


if __name__ == '__main__':
    main()
