#!/usr/bin/env python3
"""Golden tests: `kiln check` on malformed programs (--kind bad) and `kiln ir`
on valid ones (--kind ir). Each case.ppl has case.expected holding exactly
what kiln prints (stderr for bad, stdout for ir) followed by a line
"exit: N". Run from the case's folder with a relative path so file names in
diagnostics are stable. --update rewrites the .expected files: review the diff.
"""
import argparse
import os
import pathlib
import subprocess
import sys


def actual(kiln, kind, path):
    cmd = [kiln, "check" if kind == "bad" else "ir", path.name]
    proc = subprocess.run(cmd, cwd=path.parent, capture_output=True, timeout=60)
    out = proc.stderr if kind == "bad" else proc.stdout + proc.stderr
    return out.decode("utf-8", errors="replace") + f"exit: {proc.returncode}\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", required=True)
    parser.add_argument("--kind", choices=["bad", "ir"], required=True)
    parser.add_argument("--update", action="store_true")
    parser.add_argument("root")
    opts = parser.parse_args()
    opts.kiln = os.path.abspath(opts.kiln)
    cases = sorted(p for p in pathlib.Path(opts.root).glob("*.ppl") if not p.name.startswith("_"))
    failures = 0
    for case in cases:
        got = actual(opts.kiln, opts.kind, case)
        expected_path = case.with_suffix(".expected")
        if opts.update:
            expected_path.write_text(got, encoding="utf-8")
            continue
        want = expected_path.read_text(encoding="utf-8") if expected_path.exists() else "<missing .expected>"
        ok = got == want
        if opts.kind == "bad" and not got.endswith("exit: 1\n"):
            ok = False
        if not ok:
            failures += 1
            print(f"FAIL {case.name}\n--- expected\n{want}--- got\n{got}")
    if opts.update:
        print(f"updated {len(cases)} expectations in {opts.root}")
        return 0
    print(f"{len(cases) - failures}/{len(cases)} golden {opts.kind} cases passed")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
