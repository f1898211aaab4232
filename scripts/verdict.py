#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Decide the outcome of one guest run from its results channel (TAP/KTAP
as written by run_kselftest.sh) and its console log.

Exit codes (also written to verdict.txt):
  0  passed        every test case ok, no kernel badness
  1  failed        one or more test cases failed (each is named)
  2  badness       WARN, BUG, Oops, lockdep, KASAN, UBSAN, hung task,
                   soft lockup or RCU stall in the console
  3  panic         the kernel panicked: no verdict
  4  timeout       the guest hung or never powered off: no verdict
"""
import json
import re
import sys
from pathlib import Path

PASSED, FAILED, BADNESS, PANIC, TIMEOUT = 0, 1, 2, 3, 4
NAMES = {PASSED: 'passed', FAILED: 'failed tests', BADNESS: 'kernel badness',
         PANIC: 'no verdict: kernel panic', TIMEOUT: 'no verdict: guest hang or timeout'}
DONE = '# futex2-harness: done'

BADNESS_RE = re.compile('|'.join([
    r'^WARNING: ',                       # WARN*(), lockdep, suspicious RCU usage
    r'^-+\[ cut here \]-+',
    r'^\S*BUG: ',                        # BUG:, KASAN, KFENCE, soft lockup, sleeping in atomic
    r'^kernel BUG at ',
    r'^Oops: ', r'^Oops\b',
    r'^UBSAN: ',
    r'^INFO: task .* blocked for more than',
    r'^INFO: (possible|inconsistent|trying)',
    r'^(rcu: )?INFO: rcu\S* (self-)?detected stall',
    r'DEBUG_LOCKS_WARN_ON',
    r'^list_(add|del) corruption',
]))
PANIC_RE = re.compile(r'^Kernel panic - not syncing')
STAMP_RE = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT_RE = re.compile(r'^(not )?ok \d+\s*-?\s*(.*?)\s*$')
PROG_RE = re.compile(r'^(not )?ok \d+ selftests: (\S+): (\S+)(.*)$')


def strip_stamp(line):
    return STAMP_RE.sub('', line.rstrip('\r\n'))


def depth_of(line):
    d = 0
    while line.startswith('# '):
        line = line[2:]
        d += 1
    return d, line


def split_directive(text):
    m = re.match(r'^(.*?)\s+#\s*(SKIP|XFAIL|TODO|TIMEOUT)\b(.*)$', text, re.I)
    if not m:
        return text, None
    return m.group(1), m.group(2).upper()


def parse_results(lines):
    """Return (cases, complete). A case is (name, status, diagnostics)."""
    cases = []
    pending = []        # nested cases of the program now running
    diag = []           # lines since the last result, for diagnostics
    current = None
    for raw in lines:
        line = raw.rstrip('\r\n')
        if line.startswith('# selftests: '):
            current = line[len('# selftests: '):].replace(': ', '/')
            pending, diag = [], []
            continue
        d, body = depth_of(line)
        prog = PROG_RE.match(line) if d == 0 else None
        if prog:
            name = f'{prog.group(2)}/{prog.group(3)}'
            _, directive = split_directive(prog.group(4))
            ok = prog.group(1) is None
            cases.extend(pending)
            if not pending:
                status = 'skip' if directive == 'SKIP' else ('pass' if ok else 'fail')
                cases.append((name, status, diag))
            elif not ok and not any(c[1] == 'fail' for c in pending):
                why = 'timed out' if directive == 'TIMEOUT' else 'exited with an error'
                cases.append((f'{name} ({why})', 'fail', diag))
            pending, diag, current = [], [], None
            continue
        m = RESULT_RE.match(body) if d == 1 else None
        if m and current:
            desc, directive = split_directive(m.group(2))
            if directive == 'SKIP':
                status = 'skip'
            elif m.group(1) and directive not in ('XFAIL', 'TODO'):
                status = 'fail'
            else:
                status = 'pass'
            pending.append((f'{current}: {desc}', status, diag))
            diag = []
            continue
        diag.append(line)
        del diag[:-40]
    if current:
        cases.extend(pending)
        cases.append((f'{current} (did not finish)', 'fail', diag))
    complete = any(l.rstrip('\r\n') == DONE for l in lines)
    return cases, complete


def main():
    out = Path(sys.argv[1])
    qemu_rc = int((out / 'qemu.rc').read_text().strip() or 0) if (out / 'qemu.rc').exists() else 0
    console = (out / 'console.log').read_text(errors='replace').splitlines() \
        if (out / 'console.log').exists() else []
    results = (out / 'results.tap').read_text(errors='replace').splitlines(True) \
        if (out / 'results.tap').exists() else []

    cases, complete = parse_results(results)
    msgs = [strip_stamp(l) for l in console]
    bad = [i for i, m in enumerate(msgs) if BADNESS_RE.search(m)]
    panic = [i for i, m in enumerate(msgs) if PANIC_RE.search(m)]

    report = []
    if panic:
        verdict = PANIC
    elif qemu_rc == 124 or not complete:
        verdict = TIMEOUT
    elif bad:
        verdict = BADNESS
    elif any(c[1] == 'fail' for c in cases):
        verdict = FAILED
    else:
        verdict = PASSED

    for name, status, diag in cases:
        if status == 'fail':
            report.append(f'FAILED: {name}')
            report.extend(f'    | {l}' for l in diag[-25:])
    if bad:
        first = bad[0]
        report.append(f'KERNEL BADNESS ({len(bad)} line(s)); console from line {first + 1}:')
        report.extend(f'    | {l}' for l in console[max(0, first - 2):first + 40])
    if verdict in (PANIC, TIMEOUT):
        why = 'kernel panic' if panic else \
            ('timed out' if qemu_rc == 124 else f'guest ended without finishing the tests (qemu exit {qemu_rc})')
        report.append(f'NO VERDICT ({why}); end of the console:')
        report.extend(f'    | {l}' for l in console[-40:])

    npass = sum(c[1] == 'pass' for c in cases)
    nfail = sum(c[1] == 'fail' for c in cases)
    nskip = sum(c[1] == 'skip' for c in cases)
    for name, status, _ in cases:
        if status == 'skip':
            report.append(f'SKIPPED: {name}')
    report.append(f'verdict: {NAMES[verdict]} (exit {verdict}); '
                  f'cases: {npass} passed, {nfail} failed, {nskip} skipped')
    text = '\n'.join(report) + '\n'
    (out / 'verdict.txt').write_text(text)
    (out / 'counts.json').write_text(json.dumps(
        {'verdict': verdict, 'passed': npass, 'failed': nfail, 'skipped': nskip,
         'cases': [[n, s] for n, s, _ in cases]}, indent=1) + '\n')
    sys.stdout.write(text)
    return verdict


if __name__ == '__main__':
    sys.exit(main())
