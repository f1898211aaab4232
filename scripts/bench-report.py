#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Medians of guest/bench results, kernel against kernel.

Usage: bench-report.py RUNDIR KERNEL_A KERNEL_B
Reads RUNDIR/<kernel>/results.tap, writes RUNDIR/bench.csv and prints a
table: the median of each point on each kernel and B relative to A, as a
speed ratio (above 1: B is faster), whatever the unit.
"""
import csv
import statistics
import sys
from pathlib import Path


def load(path):
    vals = {}
    for line in path.read_text(errors='replace').splitlines():
        f = line.split()
        if len(f) == 6 and f[:2] == ['#', 'BENCH']:
            vals.setdefault(f[2], []).append((int(f[3]), float(f[4]), f[5]))
    return vals


def main():
    run, a, b = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    data = {k: load(run / k / 'results.tap') for k in (a, b)}
    with open(run / 'bench.csv', 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['kernel', 'id', 'run', 'value', 'unit'])
        for k in (a, b):
            for pid, rows in data[k].items():
                for r, v, u in rows:
                    w.writerow([k, pid, r, v, u])
    ids = list(dict.fromkeys(list(data[a]) + list(data[b])))
    print(f'{"point":<18} {"unit":<6} {a:>14} {b:>14} {"runs":>5} {b + "/" + a:>12}')
    for pid in ids:
        ra, rb = data[a].get(pid, []), data[b].get(pid, [])
        if not ra or not rb:
            print(f'{pid:<18} missing on {a if not ra else b}')
            continue
        unit = ra[0][2]
        ma = statistics.median(v for _, v, _ in ra)
        mb = statistics.median(v for _, v, _ in rb)
        ratio = (mb / ma) if unit == 'ops/s' else (ma / mb)
        print(f'{pid:<18} {unit:<6} {ma:>14.4g} {mb:>14.4g} {min(len(ra), len(rb)):>5} {ratio:>12.3f}')
    floor = 'floor-getppid'
    if any(floor in data[k] for k in (a, b)):
        print(f'\ncost relative to a null syscall (getppid), same kernel, medians')
        print(f'{"point":<18} {a:>10} {b:>10}')
        for pid in ids:
            if not pid.startswith('floor-') or pid == floor:
                continue
            row = []
            for k in (a, b):
                if data[k].get(pid) and data[k].get(floor):
                    row.append(statistics.median(v for _, v, _ in data[k][pid]) /
                               statistics.median(v for _, v, _ in data[k][floor]))
                else:
                    row.append(float('nan'))
            print(f'{pid:<18} {row[0]:>10.2f} {row[1]:>10.2f}')


SUBS = ('hash', 'wake', 'wake-parallel', 'requeue')
MODES = ('futex', 'u32', 'u8', 'u16', 'u64', 'numa')


def med(rows):
    return statistics.median(v for _, v, _ in rows) if rows else None


def speed(x, ref, unit):
    """Speed of x relative to ref (above 1: x is faster)."""
    if x is None or ref is None:
        return None
    return x / ref if unit == 'ops/s' else ref / x


def fmt(r):
    return f'{r:.3f}' if r is not None else '-'


def futex2_report(run, data, a, b):
    """The futex(2) / futex2 matrix of bench/futex2.plan, on kernel b."""
    pb = data[b]
    if not any(pid.startswith('hash-private-') for pid in pb):
        return
    rows = []
    print(f'\nfutex2 against futex(2) on the {b} kernel: speed ratio to futex(2), '
          'and (in brackets) to futex2 U32')
    print(f'{"subcommand":<24}' + ''.join(f'{m:>16}' for m in MODES[1:]) + f'{"futex(2) " + b + "/" + a:>22}')
    for sub in SUBS:
        for sh in ('private', 'shared'):
            key = f'{sub}-{sh}'
            ref = pb.get(f'{key}-futex', [])
            if not ref:
                continue
            unit = ref[0][2]
            u32 = med(pb.get(f'{key}-u32'))
            cells, rec = [], {'point': key}
            for m in MODES[1:]:
                v = med(pb.get(f'{key}-{m}'))
                r = speed(v, med(ref), unit)
                r32 = speed(v, u32, unit) if m not in ('u32', 'numa') else None
                rec[m] = r
                rec[m + '/u32'] = r32
                cells.append(f'{fmt(r)}' + (f' [{fmt(r32)}]' if r32 is not None else ''))
            legacy = speed(med(ref), med(data[a].get(f'{key}-futex')), unit)
            rec['legacy'] = legacy
            rows.append(rec)
            print(f'{key:<24}' + ''.join(f'{c:>16}' for c in cells) + f'{fmt(legacy):>22}')
    chart(run, rows, a, b)


def chart(run, rows, a, b):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('(no matplotlib: no chart)')
        return
    labels = [r['point'] for r in rows]
    series = [(f'futex2 {m.upper()}' if m != 'numa' else 'futex2 NUMA U32', m) for m in MODES[1:]]
    series.append((f'futex(2), {b} / {a}', 'legacy'))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(14, 6))
    for i, (name, key) in enumerate(series):
        xs = [j + (i - len(series) / 2 + 0.5) * width for j in range(len(rows))]
        ys = [r[key] if r[key] is not None else 0 for r in rows]
        ax.bar(xs, ys, width, label=name)
    ax.axhline(1.0, color='black', linewidth=0.8)
    ax.axhline(0.97, color='red', linewidth=0.8, linestyle='--', label='target 0.97')
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=20, ha='right')
    ax.set_ylabel('speed relative to futex(2) (above 1: faster)')
    ax.set_title('perf bench futex: futex2 modes against futex(2), medians, same guest run')
    ax.legend(ncol=4, fontsize=8, loc='upper center', bbox_to_anchor=(0.5, -0.22))
    fig.tight_layout()
    fig.savefig(run / 'futex2.png', dpi=110)
    print(f'chart: {run / "futex2.png"}')


if __name__ == '__main__':
    main()
    run_, a_, b_ = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    futex2_report(run_, {k: load(run_ / k / 'results.tap') for k in (a_, b_)}, a_, b_)
