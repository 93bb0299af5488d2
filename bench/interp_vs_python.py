#!/usr/bin/env python3
"""Kiln's interpreter against CPython on scalar code, and the cost of Kiln's
front end and start-up.

Part 1 runs every bench/programs/*.ppl (except startup.ppl) under
`kiln run` and under `python3`: the files are byte-identical and valid in
both languages. Each measurement is the least CPU time (user + system) of --repeat runs;
the best time of the trivial program startup.ppl, measured the same way in
the same run, is subtracted from each runtime's times, so the ratio compares
execution, not process start-up. The two runtimes must print the same output.

Part 2 times `kiln check` and `kiln ir` on a generated program of --lines
lines (varied defs, loops, comprehensions, model code; written to a temporary
folder) and on a small file, and `kiln run` against `kiln check` of the trivial
program: `check` never loads the runtime library (LibTorch), `run` does, so
the difference is the runtime's load cost. It also counts the shared
libraries (ldd) of the kiln executable and of the runtime library.

Usage: bench/interp_vs_python.py --kiln build/bin/kiln [--python python3]
           [--repeat 5] [--lines 20000]
Prints Markdown tables on stdout; progress goes to stderr.
"""
import argparse
import os
import pathlib
import shutil
import re
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
STARTUP = "startup.ppl"


def log(message):
    print(message, file=sys.stderr, flush=True)


class Failed(Exception):
    """A measured command exited with an error."""


def time_once(cmd, timeout, capture):
    """CPU seconds (user + system) the command used, and its output.

    CPU time, not wall time: these machines are shared, and another process's
    load moves wall time far more than it moves the child's own CPU time.
    """
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise Failed(f"{' '.join(map(str, cmd))} exited with {proc.returncode}: " + " | ".join(tail))
    return elapsed, (proc.stdout if capture else b"")


def best_of(cmd, repeat, timeout, capture=False):
    """Least CPU time over `repeat` runs, and the output of the first run."""
    best, output = None, None
    for _ in range(repeat):
        elapsed, out = time_once(cmd, timeout, capture)
        best = elapsed if best is None else min(best, elapsed)
        if output is None:
            output = out
    return best, output


def fmt(seconds):
    return "error" if seconds is None else f"{seconds:.3f}"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "n/a"
    return f"{a / b:.2f}"


# ---------------------------------------------------------------- part 1


# Runs a program file under CPython and reports the CPU time of running it,
# excluding interpreter start-up, as `kiln run --timings` does for Kiln.
PY_TIMER = (
    "import runpy, sys, time\n"
    "t = time.thread_time()\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
    "print(f'python: run {(time.thread_time() - t) * 1e3:.3f} ms', file=sys.stderr)\n"
)
RUN_MS = re.compile(rb"(?:kiln: timings \(CPU ms\):.*\brun|python: run) ([0-9.]+)")


def run_ms_once(cmd, timeout):
    """CPU milliseconds the program itself ran (start-up excluded), and its stdout."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise Failed(f"{' '.join(map(str, cmd))} exited with {proc.returncode}: " + " | ".join(tail))
    m = RUN_MS.search(proc.stderr)
    if not m:
        raise Failed(f"no run time reported by {' '.join(map(str, cmd))}")
    return float(m.group(1)) / 1e3, proc.stdout


def least_run_time(cmd, repeat, timeout):
    best, output = None, None
    for _ in range(repeat):
        t, out = run_ms_once(cmd, timeout)
        best = t if best is None else min(best, t)
        output = out if output is None else output
    return best, output


def interpreter_table(opts):
    programs = sorted(p for p in PROGRAMS.glob("*.ppl") if p.name != STARTUP)
    kiln_cmd = lambda p: [opts.kiln, "run", "--timings", str(p)]
    py_cmd = lambda p: [opts.python, "-c", PY_TIMER, str(p)]

    rows, notes = [], []
    for program in programs:
        log(f"timing {program.name} ...")
        try:
            kiln_t, kiln_out = least_run_time(kiln_cmd(program), opts.repeat, opts.timeout)
        except (Failed, subprocess.TimeoutExpired) as e:
            kiln_t, kiln_out = None, None
            notes.append(f"{program.name}: kiln failed: {e}")
        try:
            py_t, py_out = least_run_time(py_cmd(program), opts.repeat, opts.timeout)
        except (Failed, subprocess.TimeoutExpired) as e:
            py_t, py_out = None, None
            notes.append(f"{program.name}: python failed: {e}")
        if kiln_out is not None and py_out is not None and kiln_out != py_out:
            notes.append(f"{program.name}: outputs differ: kiln {kiln_out.strip()[:60]!r}, "
                         f"python {py_out.strip()[:60]!r}")
        rows.append((program.stem, kiln_t, py_t))

    lines = [
        f"Least of {opts.repeat} runs: CPU seconds of the running program on its own thread, "
        "start-up excluded for both (`kiln run --timings` reports its run phase; CPython runs "
        "the file through runpy between two `time.thread_time()` readings).",
        "",
        "| program | kiln s | python s | kiln/python |",
        "|---|---:|---:|---:|",
    ]
    for name, k, p in rows:
        lines.append(f"| {name} | {fmt(k)} | {fmt(p)} | {ratio(k, p)} |")
    if notes:
        lines.append("")
        lines.extend(f"- {n}" for n in notes)
    return "\n".join(lines)


# ---------------------------------------------------------------- part 2

# One unit of the generated program (about 40 lines). @ is the unit number,
# @P the previous unit's; the text avoids str.format so f-string braces stay.
UNIT = '''\
def helper_@(xs, scale=1.5, offset=0):
    total = 0.0
    for k, x in enumerate(xs):
        if x > scale:
            total += x * scale
        elif x < -scale:
            total -= x
        else:
            total = total + offset * k
    return total


def smooth_@(values, alpha=0.25):
    out = []
    prev = values[0] if len(values) > 0 else 0.0
    i = 0
    while i < len(values):
        prev = alpha * values[i] + (1.0 - alpha) * prev
        out.append(prev)
        i += 1
    return out


def model_@(data, n=3):
    mu = sample("mu_@", Normal(0.0, 10.0))
    sigma = param("sigma_@", 1.0)
    with plate("data_@", n) as idx:
        sample("obs_@", Normal(mu, sigma), obs=data[idx])
    for t in plate("steps_@", n):
        z = sample(f"z_@_{t}", Bernoulli(0.5))
        factor(f"penalty_@_{t}", -0.5 * z)
    weights = [w * 0.5 for w in range(n) if w % 2 == 0]
    scaled = list(map(lambda w: w * sigma, weights))
    table = {"a": 1, "b": helper_@(weights, scale=2.0), "c": helper_@P(scaled)}
    deterministic("total_@", table["b"] + table["c"])
    return mu + sum(smooth_@(scaled))


'''


def generate_program(lines_wanted):
    parts = ["# Generated by bench/interp_vs_python.py: front-end timing input.\n",
             "def helper_0P(xs):\n    return sum(xs)\n\n\n"]
    count = sum(p.count("\n") for p in parts)
    unit = 0
    while count < lines_wanted or unit == 0:
        previous = f"{unit - 1}" if unit > 0 else "0P"
        text = UNIT.replace("@P", previous).replace("@", str(unit))
        parts.append(text)
        count += text.count("\n")
        unit += 1
    parts.append("print(model_0([1.0, 2.0, 3.0]))\n")
    return "".join(parts)


def runtime_library(kiln):
    env = os.environ.get("KILN_RUNTIME")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(kiln).resolve().parent / "libkiln_runtime.so"


def ldd_count(path):
    """Number of shared libraries ldd lists for `path` (vdso excluded)."""
    if not shutil.which("ldd") or not pathlib.Path(path).exists():
        return None, False
    proc = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, False
    libs = [l.strip() for l in proc.stdout.splitlines()
            if l.strip() and "vdso" not in l and ("=>" in l or l.strip().startswith("/"))]
    return len(libs), any("libtorch" in l for l in libs)


def count_or_na(count):
    return "n/a" if count is None else str(count)


def yes_no(count, flag):
    return "n/a" if count is None else ("yes" if flag else "no")


def frontend_table(opts):
    rows = []
    with tempfile.TemporaryDirectory(prefix="kiln-bench-") as tmp:
        tmp = pathlib.Path(tmp)
        big = tmp / "generated.ppl"
        big.write_text(generate_program(opts.lines), encoding="utf-8")
        big_lines = big.read_text(encoding="utf-8").count("\n")
        small = tmp / "small.ppl"
        small.write_text(generate_program(0), encoding="utf-8")  # one unit
        small_lines = small.read_text(encoding="utf-8").count("\n")
        trivial = PROGRAMS / STARTUP

        def measure(label, cmd):
            log(f"timing {label} ...")
            try:
                t, _ = best_of(cmd, opts.repeat, opts.timeout)
            except (Failed, subprocess.TimeoutExpired) as e:
                log(f"  failed: {e}")
                t = None
            rows.append((label, t))
            return t

        measure(f"`kiln check`, generated program ({big_lines} lines)", [opts.kiln, "check", str(big)])
        measure(f"`kiln ir`, generated program ({big_lines} lines)", [opts.kiln, "ir", str(big)])
        measure(f"`kiln check`, small file ({small_lines} lines)", [opts.kiln, "check", str(small)])
        measure(f"`kiln ir`, small file ({small_lines} lines)", [opts.kiln, "ir", str(small)])
        check_trivial = measure(f"`kiln check {STARTUP}`", [opts.kiln, "check", str(trivial)])
        run_trivial = measure(f"`kiln run {STARTUP}`", [opts.kiln, "run", str(trivial)])
        probe = pathlib.Path(opts.kiln).resolve().parent / "libtorch_load_probe"
        torch_load = None
        if probe.exists():
            torch_load = measure("a program that only loads LibTorch (`libtorch_load_probe`)", [str(probe)])

    load = None
    if check_trivial is not None and run_trivial is not None:
        load = run_trivial - check_trivial
    lines = [
        f"Least of {opts.repeat} runs, CPU seconds (gross: process start-up included).",
        "",
        "| measurement | s |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {fmt(t)} |" for label, t in rows]
    lines.append(f"| runtime load cost (`run` − `check` of `{STARTUP}`) | {fmt(load)} |")
    if torch_load is not None and run_trivial is not None:
        lines.append(f"| `kiln run {STARTUP}` − LibTorch's own load | {fmt(run_trivial - torch_load)} |")
    if check_trivial and big_lines and rows[0][1] is not None:
        per_k = (rows[0][1] - check_trivial) / big_lines * 1000
        lines.append(f"| `kiln check` per 1000 lines (net of start-up) | {per_k:.4f} |")

    kiln_libs, kiln_torch = ldd_count(opts.kiln)
    runtime = runtime_library(opts.kiln)
    rt_libs, rt_torch = ldd_count(runtime)
    lines += [
        "",
        "| binary | shared libraries (ldd) | links LibTorch |",
        "|---|---:|---|",
        f"| kiln | {count_or_na(kiln_libs)} | {yes_no(kiln_libs, kiln_torch)} |",
        f"| {runtime.name} | {count_or_na(rt_libs)} | {yes_no(rt_libs, rt_torch)} |",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiln", required=True, help="path to the kiln executable")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="Python to compare with (default Debian's /usr/bin/python3, not a pyenv shim)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best counts")
    parser.add_argument("--lines", type=int, default=20000, help="size of the generated program")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per single run")
    parser.add_argument("--skip-interpreter", action="store_true", help="front-end tables only")
    opts = parser.parse_args()
    if not pathlib.Path(opts.kiln).exists():
        parser.error(f"no kiln executable at {opts.kiln}")
    opts.kiln = str(pathlib.Path(opts.kiln).resolve())

    version = subprocess.run([opts.kiln, "--version"], capture_output=True, text=True).stdout.strip()
    py_version = subprocess.run([opts.python, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"## Kiln interpreter vs CPython\n\n{version or 'kiln'}; {py_version}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start.\n")
    if not opts.skip_interpreter:
        try:
            print(interpreter_table(opts))
        except (Failed, subprocess.TimeoutExpired) as e:
            print(f"The start-up baseline failed, so no interpreter figures: {e}")
        print()
    print("## Front end and start-up\n")
    print(frontend_table(opts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
