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


if __name__ == '__main__':
    main()
