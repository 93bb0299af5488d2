#!/usr/bin/env python3
"""Runs every example in examples/ as a user would, on small settings.

Each example declares how the suite runs it in its header:
  # test-args: --seed 1 -- --steps 200
  # test-expect: regex that stdout must match (one or more lines)
An example without a test-args line is run with `--seed 1`.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", required=True)
    parser.add_argument("root")
    opts = parser.parse_args()
    opts.kiln = os.path.abspath(opts.kiln)
    examples = sorted(pathlib.Path(opts.root).glob("*.ppl"))
    failures = 0
    for ex in examples:
        text = ex.read_text(encoding="utf-8")
        args = ["--seed", "1"]
        if m := re.search(r"^#\s*test-args:\s*(.*)$", text, re.M):
            args = m.group(1).split()
        patterns = re.findall(r"^#\s*test-expect:\s*(.*)$", text, re.M)
        proc = subprocess.run([opts.kiln, "run", ex.name, *args], cwd=ex.parent, capture_output=True,
                              text=True, timeout=1800)
        problems = []
        if proc.returncode != 0:
            problems.append(f"exit code {proc.returncode}\nstderr:\n{proc.stderr}")
        for pat in patterns:
            if not re.search(pat, proc.stdout, re.M):
                problems.append(f"stdout does not match {pat!r}")
        if not patterns:
            problems.append("example has no '# test-expect:' line")
        failures += bool(problems)
        print(("FAIL " if problems else "ok   ") + ex.name)
        for p in problems:
            print("     " + p.replace("\n", "\n     "))
        if problems:
            print("     stdout was:\n     " + proc.stdout.replace("\n", "\n     "))
    print(f"{len(examples) - failures}/{len(examples)} examples passed")
    return 1 if failures or not examples else 0


if __name__ == "__main__":
    sys.exit(main())
