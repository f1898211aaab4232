#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The figures of one suite of the test command, one line each:
  figures.py SUITE GUEST_OUTDIR   fuzz calls and threads, the multi-process
                                  fuzzer's summary, stress operations
                                  and lost wakeups, stress-ng operations,
                                  kernel reports in the console
  figures.py hygiene HYGIENE_TAP  patches checked, builds, lint results
"""
import re
import sys
from pathlib import Path


def kv(line):
    return dict(re.findall(r'(\w+)=(\d+)', line))


def guest(suite, out):
    tap = (out / 'results.tap').read_text(errors='replace').splitlines() \
        if (out / 'results.tap').exists() else []
    lines = []
    for l in tap:
        m = re.search(r'futex2_fuzz: (seed=.*calls=.*)', l)
        if m:
            lines.append(f'{suite}: fuzz {m.group(1)}')
        m = re.search(r'mpfuzz: (seed=\d+ .*mismatches=\d+.*)', l)
        if m:
            lines.append(f'{suite}: mpfuzz {m.group(1)}')
    ops = lost = items = rounds = n = 0
    for l in tap:
        if 'futex2_stress:' in l and 'lost_wakeups=' in l:
            f = kv(l)
            n += 1
            ops += int(f.get('ops', 0))
            items += int(f.get('items', 0))
            rounds += int(f.get('rounds', 0))
            lost += int(f.get('lost_wakeups', 0))
    if n:
        lines.append(f'{suite}: stress {n} workloads, ops={ops} items={items} '
                     f'rounds={rounds} lost_wakeups={lost}')
    sng = [re.sub(r'^[# ]*futex2-stress-ng: ', '', l) for l in tap if 'futex2-stress-ng:' in l]
    if sng:
        lines.append(f'{suite}: stress-ng ' + '; '.join(s.split(' seconds=')[0] for s in sng))
    verdict = (out / 'verdict.txt').read_text() if (out / 'verdict.txt').exists() else ''
    m = re.search(r'KERNEL BADNESS \((\d+) line', verdict)
    lines.append(f'{suite}: kernel reports in the console: {m.group(1) if m else 0}')
    return lines


def hygiene(tap_path):
    tap = Path(tap_path).read_text(errors='replace').splitlines()
    res = [l for l in tap if re.match(r'^(not )?ok ', l)]
    def count(pat):
        sel = [l for l in res if re.search(pat, l)]
        return f'{sum(l.startswith("ok ") for l in sel)}/{len(sel)}'
    patches = {m.group(1) for l in res for m in [re.search(r' patch (\d+):', l)] if m}
    def variants(what):
        return ' '.join(sorted({m.group(1) for l in res
                                for m in [re.search(rf'build (\S+) {what}', l)] if m}
                               - {'futex', 'perf'})) or '-'
    return [f'hygiene: checkpatch --strict ok on {count("checkpatch")} patches; '
            f'{count(r"build .* patch ")} builds ok over {len(patches)} patches '
            f'(kernel variants: {variants("(?:patch|base)")}); '
            f'{count(r"build .* HEAD")} builds ok at the head '
            f'(kernel variants: {variants("HEAD")}); '
            f'lint ok {count("new warnings|no new warnings")}']


def main():
    suite, path = sys.argv[1], sys.argv[2]
    lines = hygiene(path) if suite == 'hygiene' else guest(suite, Path(path))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
