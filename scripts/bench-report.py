#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark report: the base kernel against the series, one run.

Usage: bench-report.py RUNDIR
Reads RUNDIR/{icount,wall}/{base,series}/results.tap (guest/bench lines
"# BENCH ID RUN VALUE ns/op"), writes RUNDIR/bench.csv and RUNDIR/bench.png
and prints the tables and the targets. Under -icount shift=0 a guest
nanosecond is a guest instruction, so icount figures are instructions per
operation. Ratios are speed ratios: above 1, the first-named is faster.
"""
import csv
import math
import statistics
import sys
from pathlib import Path

KERNELS = ('base', 'series')
SUBS = ('hash', 'wake', 'wake-parallel', 'requeue')
MODES = ('futex', 'u32', 'u8', 'u16', 'u64', 'numa')
SIZES = ('u8', 'u16', 'u64')
# perf bench subcommands whose figures the scheduler decides (bench/icount.plan)
SCHEDULED = ('wake', 'wake-parallel', 'requeue')
TARGET = 0.97
# robust exit points that a base walking at most 2048 entries can compare
BASE_ROBUST = ('robust-2048', 'robust-2048-w')
# floor points: futex2 call -> the futex(2) call that does the same
FLOOR_PAIRS = {
    'wake2-u32': 'wake', 'wake2-u32-shared': 'wake-shared',
    'wait2-u32-eagain': 'wait-eagain', 'requeue2-u32': 'cmp-requeue',
}
# floor points: a size -> its U32 point
FLOOR_SIZES = {
    'wake2-u8': 'wake2-u32', 'wake2-u16': 'wake2-u32', 'wake2-u64': 'wake2-u32',
    'wait2-u8-eagain': 'wait2-u32-eagain', 'wait2-u16-eagain': 'wait2-u32-eagain',
    'wait2-u64-eagain': 'wait2-u32-eagain', 'requeue2-u8': 'requeue2-u32',
}


def load(path):
    vals = {}
    if not path.exists():
        return vals
    for line in path.read_text(errors='replace').splitlines():
        f = line.split()
        if len(f) == 6 and f[:2] == ['#', 'BENCH']:
            vals.setdefault(f[2], []).append(float(f[4]))
    return vals


def med(v):
    return statistics.median(v) if v else None


def spread(v):
    return (max(v) - min(v)) / min(v) if v and len(v) > 1 and min(v) > 0 else None


def speed(x, ref):
    """How much faster x is than ref (values are costs per operation)."""
    if x is None or ref is None or x <= 0:
        return None
    return ref / x


def f3(r):
    return f'{r:.3f}' if r is not None else '-'


def fnum(v):
    if v is None:
        return '-'
    return f'{v:,.1f}' if v < 1e5 else f'{v:,.0f}'


def fpct(s):
    return f'{100 * s:.2f}%' if s is not None else ''


class Report:
    def __init__(self, run):
        self.run = run
        self.d = {c: {k: load(run / c / k / 'results.tap') for k in KERNELS}
                  for c in ('icount', 'wall')}
        # the points of the plan marked cpus=1 ran in a one-vCPU guest
        for k in KERNELS:
            one = run / 'icount-1cpu' / k / 'results.tap'
            if one.exists():
                self.d['icount'][k].update(load(one))
        self.targets = []	# (target, point, ratio)
        self.chart_rows = []

    def m(self, k, pid, clock='icount'):
        return med(self.d[clock][k].get(pid))

    def write_csv(self):
        with open(self.run / 'bench.csv', 'w', newline='') as fh:
            w = csv.writer(fh)
            w.writerow(['clock', 'kernel', 'id', 'run', 'value', 'unit'])
            for clock, per in self.d.items():
                unit = 'insn/op' if clock == 'icount' else 'ns/op'
                for k, pts in per.items():
                    for pid, vs in pts.items():
                        for i, v in enumerate(vs, 1):
                            w.writerow([clock, k, pid, i, v, unit])

    def all_points(self, clock='icount'):
        return list(dict.fromkeys(list(self.d[clock]['base']) + list(self.d[clock]['series'])))

    def table_all(self):
        print('Instructions per operation (-icount shift=0), base kernel and series,'
              ' same guest run')
        print('spread: (max - min) / min over the runs of a point; '
              'series/base: speed ratio, above 1 is faster')
        print(f'{"point":<30} {"base":>12} {"series":>12} {"series/base":>12} {"spread":>14}')
        worst = 0.0
        for pid in self.all_points():
            b, s = self.m('base', pid), self.m('series', pid)
            sp = [spread(self.d['icount'][k].get(pid)) for k in KERNELS]
            sps = ' '.join(fpct(x) for x in sp if x is not None)
            worst = max([worst] + [x for x in sp if x is not None])
            print(f'{pid:<30} {fnum(b):>12} {fnum(s):>12} {f3(speed(s, b)):>12} {sps:>14}')
        print(f'largest spread: {100 * worst:.2f}%')

    def floor(self):
        pts = [p[len('floor-'):] for p in self.all_points() if p.startswith('floor-')]
        if not pts:
            return
        print('\nThe floor: instructions per call, and relative to getppid on the same kernel')
        print(f'{"call":<22} {"base":>10} {"series":>10} {"base/getppid":>13} {"series/getppid":>15}')
        g = {k: self.m(k, 'floor-getppid') for k in KERNELS}
        for p in pts:
            v = {k: self.m(k, 'floor-' + p) for k in KERNELS}
            rel = {k: (v[k] / g[k] if v[k] and g[k] else None) for k in KERNELS}
            print(f'{p:<22} {fnum(v["base"]):>10} {fnum(v["series"]):>10} '
                  f'{f3(rel["base"]):>13} {f3(rel["series"]):>15}')
        for a, b in FLOOR_PAIRS.items():
            self.targets.append(('futex2 / futex(2)', 'floor ' + a, speed(
                self.m('series', 'floor-' + a), self.m('series', 'floor-' + b))))
        for a, b in FLOOR_SIZES.items():
            self.targets.append(('size / U32', 'floor ' + a, speed(
                self.m('series', 'floor-' + a), self.m('series', 'floor-' + b))))
        w, gs = self.m('series', 'floor-wake2-u32'), g['series']
        if w and gs:
            self.targets.append(('futex_wake <= 1.5x getppid', 'floor wake2-u32',
                                 1.5 * gs / w))

    def perf(self):
        keys = []
        for pid in self.all_points():
            f = pid.split('-')
            if f[-1] in MODES and '-'.join(f[:-1]) not in keys and \
               any(pid.startswith(s + '-') for s in SUBS):
                keys.append('-'.join(f[:-1]))
        if not keys:
            return
        print('\nperf bench futex on the series: futex2 against futex(2) '
              '(speed ratio), [against futex2 U32], and futex(2) series/base')
        print(f'{"point":<30}' + ''.join(f'{m:>16}' for m in MODES[1:]) + f'{"futex(2) s/b":>14}')
        for key in keys:
            ref = self.m('series', key + '-futex')
            u32 = self.m('series', key + '-u32')
            cells, rec = [], {'point': key}
            for mo in MODES[1:]:
                v = self.m('series', f'{key}-{mo}')
                r = speed(v, ref)
                r32 = speed(v, u32) if mo in SIZES else None
                rec[mo] = r
                cells.append(f3(r) + (f' [{f3(r32)}]' if r32 is not None else ''))
                if v is not None:
                    self.targets.append(('futex2 / futex(2)', f'{key}-{mo}', r))
                if r32 is not None:
                    self.targets.append(('size / U32', f'{key}-{mo}', r32))
            legacy = speed(ref, self.m('base', key + '-futex'))
            rec['legacy'] = legacy
            self.chart_rows.append(rec)
            print(f'{key:<30}' + ''.join(f'{c:>16}' for c in cells) + f'{f3(legacy):>14}')

    def legacy_targets(self):
        """futex(2), and what the base already has, must not get slower."""
        for pid in self.all_points():
            b, s = self.m('base', pid), self.m('series', pid)
            if b is None or s is None or (pid.startswith('robust-') and pid not in BASE_ROBUST):
                continue
            self.targets.append(('series / base', pid, speed(s, b)))

    def robust(self):
        pts = [p for p in self.all_points() if p.startswith('robust-')]
        if not pts:
            return
        print('\nRobust exit: instructions per list entry (the base walks at most 2048)')
        print(f'{"point":<16} {"base":>12} {"series":>10}')
        for p in pts:
            b = fnum(self.m('base', p)) if p in BASE_ROBUST else '(2048 only)'
            print(f'{p:<16} {b:>12} {fnum(self.m("series", p)):>10}')

    def wall(self):
        pts = self.all_points('wall')
        if not pts:
            return
        print('\nWall time under plain TCG, ns per operation, medians (NOISY: TCG wall time '
              'swings by 40-150%; contention, not instructions)')
        print(f'{"point":<30} {"base":>12} {"series":>12} {"series/base":>12} {"spreads":>18}')
        for pid in pts:
            b, s = self.m('base', pid, 'wall'), self.m('series', pid, 'wall')
            sps = ' '.join(fpct(spread(self.d['wall'][k].get(pid))) for k in KERNELS)
            print(f'{pid:<30} {fnum(b):>12} {fnum(s):>12} {f3(speed(s, b)):>12} {sps:>18}')

    @staticmethod
    def judged(point):
        """Targets are judged on points the instructions decide."""
        return not point.startswith(tuple(sc + '-' for sc in SCHEDULED))

    def verdicts(self):
        print(f'\nTargets (speed ratios, target {TARGET}; the wake/getppid line shows '
              '1.5 x getppid / futex_wake, target 1)')
        by, skipped = {}, {}
        for t, p, r in self.targets:
            if r is None or math.isnan(r):
                continue
            if self.judged(p):
                by.setdefault(t, []).append((r, p))
            else:
                skipped.setdefault(t, []).append(r)
        for t, rows in by.items():
            rows.sort()
            lim = 1.0 if t.startswith('futex_wake') else TARGET
            miss = [(r, p) for r, p in rows if r < lim]
            head = 'met' if not miss else f'MISSED at {len(miss)} of {len(rows)}'
            print(f'  {t:<28} {head}; lowest {rows[0][0]:.3f} ({rows[0][1]})')
            for r, p in miss[:12]:
                print(f'      {p:<34} {r:.3f}')
        sc = [sp for pid in self.all_points() if not self.judged(pid)
              for sp in [spread(self.d['icount'][k].get(pid)) for k in KERNELS] if sp is not None]
        if skipped:
            print(f'  not judged: {sum(len(v) for v in skipped.values())} ratios of perf bench '
                  f'{", ".join(SCHEDULED)}, which the scheduler decides '
                  f'(spread up to {100 * max(sc or [0]):.0f}% within one boot)')

    def chart(self):
        try:
            import matplotlib
            matplotlib.use('Agg')
            import matplotlib.pyplot as plt
        except ImportError:
            print('(no matplotlib: no chart)')
            return
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(15, 10))
        pts = [p for p in self.all_points()
               if self.m('base', p) and self.m('series', p) and
               (not p.startswith('robust-') or p in BASE_ROBUST)]
        ax1.bar(range(len(pts)), [speed(self.m('series', p), self.m('base', p)) for p in pts])
        ax1.set_xticks(range(len(pts)))
        ax1.set_xticklabels(pts, rotation=70, ha='right', fontsize=7)
        ax1.set_ylabel('series / base (above 1: faster)')
        ax1.set_title('Instructions per operation, -icount shift=0: the series against its base')
        rows = self.chart_rows
        series = [(f'futex2 {mo.upper()}' if mo != 'numa' else 'futex2 NUMA U32', mo)
                  for mo in MODES[1:]]
        series.append(('futex(2), series / base', 'legacy'))
        width = 0.8 / len(series)
        for i, (name, key) in enumerate(series):
            xs = [j + (i - len(series) / 2 + 0.5) * width for j in range(len(rows))]
            ax2.bar(xs, [r[key] or 0 for r in rows], width, label=name)
        ax2.set_xticks(range(len(rows)))
        ax2.set_xticklabels([r['point'] for r in rows], rotation=20, ha='right')
        ax2.set_ylabel('speed relative to futex(2)')
        ax2.set_title('perf bench futex on the series: futex2 modes against futex(2)')
        ax2.legend(ncol=4, fontsize=8)
        for ax in (ax1, ax2):
            ax.axhline(1.0, color='black', linewidth=0.8)
            ax.axhline(TARGET, color='red', linewidth=0.8, linestyle='--')
            ax.set_ylim(0.5, 1.5)
        fig.tight_layout()
        fig.savefig(self.run / 'bench.png', dpi=100)
        print(f'chart: {self.run / "bench.png"}')


def main():
    run = Path(sys.argv[1])
    about = run / 'about.txt'
    if about.exists():
        print(about.read_text().strip() + '\n')
    r = Report(run)
    r.write_csv()
    r.table_all()
    r.floor()
    r.perf()
    r.legacy_targets()
    r.robust()
    r.wall()
    r.verdicts()
    r.chart()
    print(f'csv: {run / "bench.csv"}')


if __name__ == '__main__':
    main()
