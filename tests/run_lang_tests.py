#!/usr/bin/env python3
"""Runs the .ppl language tests through `kiln run` as a process.

Expectations live in the program as comments:
  print(x)                 # expect: 3.0            one stdout line, in order
  # expect-line: text                               a stdout line not tied to code
  f(-1)                    # expect runtime error: scale must be positive
  # expect compile error: name 'y' is not defined
  # args: --seed 1 -- a b                           kiln run arguments
A program with an error expectation must exit with the matching code (1 for
compile errors, 3 for runtime errors) and print the text on stderr; the
stdout lines expected before it must still appear.
"""
import argparse
import os
import pathlib
import re
import subprocess
import sys

EXPECT = re.compile(r"#\s*expect(?:-line)?:\s?(.*)$")
RUNTIME = re.compile(r"#\s*expect runtime error:\s*(.*)$")
COMPILE = re.compile(r"#\s*expect compile error:\s*(.*)$")
ARGS = re.compile(r"^#\s*args:\s*(.*)$")


def expectations(text):
    lines, error, args = [], None, []
    for line in text.splitlines():
        if m := RUNTIME.search(line):
            error = (3, m.group(1).strip())
        elif m := COMPILE.search(line):
            error = (1, m.group(1).strip())
        elif m := ARGS.search(line.strip()):
            args = m.group(1).split()
        elif m := EXPECT.search(line):
            lines.append(m.group(1).rstrip())
    return lines, error, args


def run_one(kiln, path):
    lines, error, args = expectations(path.read_text(encoding="utf-8"))
    split = args.index("--") if "--" in args else len(args)
    run_args, program_args = args[:split], args[split + 1:]
    cmd = [kiln, "run", path.name, *run_args]
    if program_args:
        cmd += ["--", *program_args]
    proc = subprocess.run(cmd, cwd=path.parent, capture_output=True, text=True, timeout=300)
    problems = []
    want_code = error[0] if error else 0
    if proc.returncode != want_code:
        problems.append(f"exit code {proc.returncode}, expected {want_code}")
    got = proc.stdout.splitlines()
    if got != lines:
        problems.append("stdout differs:\n  expected: %r\n  got:      %r" % (lines, got))
    if error and error[1] not in proc.stderr:
        problems.append(f"stderr lacks {error[1]!r}")
    if not error and proc.stderr:
        problems.append("unexpected stderr")
    if "Traceback" in proc.stderr or "terminate called" in proc.stderr or "c10::" in proc.stderr:
        problems.append("C++/Python internals leaked to stderr")
    if problems:
        problems.append("stderr was:\n" + proc.stderr)
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", required=True)
    parser.add_argument("root")
    opts = parser.parse_args()
    opts.kiln = os.path.abspath(opts.kiln)
    files = sorted(pathlib.Path(opts.root).rglob("*.ppl"))
    files = [f for f in files if not f.name.startswith("_")]  # _*.ppl are helpers for imports
    failures = 0
    for f in files:
        problems = run_one(opts.kiln, f)
        status = "FAIL" if problems else "ok"
        print(f"{status:4} {f.relative_to(opts.root)}")
        for p in problems:
            print("     " + p.replace("\n", "\n     "))
        failures += bool(problems)
    print(f"{len(files) - failures}/{len(files)} language tests passed")
    return 1 if failures or not files else 0


if __name__ == "__main__":
    sys.exit(main())
