#!/usr/bin/env python
"""Run many random programs in the engine and in torch side by side; report where they disagree.

    python scripts/fuzz.py                          # 10,000 programs from seed 0
    python scripts/fuzz.py -n 5000 --seed 7 --json fuzz.json
    python scripts/fuzz.py --first 5000 -n 5000     # the second half of a split run
    python scripts/fuzz.py --devices cpu            # only programs on the numpy backend
    python scripts/fuzz.py --program 1234           # re-run one program and print it

Program i of seed s is drawn from its own generator (seeded by s and i), so any program
of a report can be re-run alone. The programs are drawn by tests/fuzz_programs.py; the
comparison rules and the list of deliberate differences are in tests/fuzz_check.py. The summary counts programs,
steps, skipped steps and disagreements by op and kind, with the shortest program of
each kind; the JSON report holds the same. The exit status is 1 when some disagreement
is not a deliberate difference, 2 when the fuzzer itself failed on a program.
Not part of the test suite (tests/test_fuzz.py runs a small budget of the same programs).
"""
import argparse
import collections
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
os.environ.setdefault("TRITON_INTERPRET", "1")

import torch  # noqa: E402

import fuzz_check as fc  # noqa: E402
from tinygrad_lite.backend import available_devices  # noqa: E402
import fuzz_programs as fp  # noqa: E402


def program_draws(seed, index):
    return fp.RandomDraws(seed * 1_000_003 + index)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--programs", type=int, default=10_000, help="how many programs (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first", type=int, default=0, help="index of the first program (to split a run)")
    parser.add_argument("--devices", default=",".join(d for d in available_devices() if d in ("cpu", "interp")),
                        help="comma-separated devices programs run on (default: cpu, and interp where triton is)")
    parser.add_argument("--max-steps", type=int, default=6)
    parser.add_argument("--json", default=os.path.join("runs", "fuzz-report.json"),
                        help="where to write the report (default: runs/fuzz-report.json)")
    parser.add_argument("--program", type=int, help="run only this program and print it")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    devices = tuple(args.devices.split(","))

    if args.program is not None:
        outcome = fc.run_program(program_draws(args.seed, args.program), devices, args.max_steps)
        print(outcome.program)
        for d in outcome.disagreements:
            print(f"\n[{d.deliberate or 'FAIL'}] {d}")
        return 1 if outcome.failures else 0

    totals = collections.Counter()
    classes = {}
    crashes = []
    start = time.perf_counter()
    for index in range(args.first, args.first + args.programs):
        try:
            outcome = fc.run_program(program_draws(args.seed, index), devices, args.max_steps)
        except Exception:  # noqa: BLE001  (a bug of the fuzzer: report it, go on)
            crashes.append({"program": index, "traceback": traceback.format_exc()})
            continue
        totals["programs"] += 1
        totals["steps"] += outcome.steps
        totals["skipped steps"] += outcome.skipped
        totals.update(e for e in outcome.events if e.startswith(("both rejected", "gradients agree")))
        for d in outcome.disagreements:
            key = (d.op, d.kind, d.deliberate)
            entry = classes.setdefault(key, {"op": d.op, "kind": d.kind, "deliberate": d.deliberate,
                                             "count": 0, "programs": [], "example": None})
            entry["count"] += 1
            if len(entry["programs"]) < 20:
                entry["programs"].append(index)
            if entry["example"] is None or len(d.program) < len(entry["example"]["program"]):
                entry["example"] = dict(d.to_json(), index=index)
    elapsed = time.perf_counter() - start

    failing = sorted((c for c in classes.values() if not c["deliberate"]), key=lambda c: -c["count"])
    deliberate = sorted((c for c in classes.values() if c["deliberate"]), key=lambda c: -c["count"])
    print(f"seed {args.seed}, programs {args.first}..{args.first + args.programs - 1} on {', '.join(devices)}: "
          f"{totals['programs']} run in {elapsed:.0f} s, {totals['steps']} steps "
          f"({totals['skipped steps']} skipped at kinks or fragile values), "
          f"{totals['both rejected a step'] + totals['both rejected a step (devices)']} steps rejected by both, "
          f"{totals['gradients agree']} backward passes agreeing")
    print(f"disagreements: {sum(c['count'] for c in failing)} in {len(failing)} classes; "
          f"deliberate differences: {sum(c['count'] for c in deliberate)}; fuzzer crashes: {len(crashes)}")
    for title, group in (("DISAGREEMENTS", failing), ("deliberate differences", deliberate)):
        if group:
            print(f"\n== {title} (op, kind, count; the shortest program) ==")
        for c in group:
            ex = c["example"]
            print(f"\n{c['op']} / {c['kind']}: {c['count']}" + (f"  [{c['deliberate']}]" if c["deliberate"] else ""))
            print(f"  program {ex['index']}: " + ex["program"].replace("\n", "\n    "))
            print(f"  at:     {ex['call']}\n  engine: {ex['ours']}\n  torch:  {ex['theirs']}")
    for crash in crashes[:5]:
        print(f"\nfuzzer crash on program {crash['program']}:\n{crash['traceback']}")

    report = {"seed": args.seed, "first": args.first, "devices": list(devices), "seconds": round(elapsed, 1),
              "totals": dict(totals), "disagreements": failing, "deliberate": deliberate, "crashes": crashes,
              "deliberate_differences": {d.name: d.reason for d in fc.DELIBERATE}}
    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(report, f, indent=1, default=str)
    print(f"\nreport: {args.json}")
    return 2 if crashes else 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
