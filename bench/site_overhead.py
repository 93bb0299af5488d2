#!/usr/bin/env python3
"""Overhead of one `sample` site under trace∘replay, beyond the LibTorch work.

Runs a model of 100 scalar Normal(0.0, 1.0) sites replayed from a recorded
trace and scored (log_prob_sum), in Kiln, and the same LibTorch operations in
a hand-written C++ loop (bench/site_overhead_baseline.cpp), in the same run.
Both measure CPU time, best of 5 repetitions, start-up excluded.
    bench/site_overhead.py [--kiln build/bin/kiln] [--runs 2000]
Prints µs per run of 100 sites for both, the overhead per site with
validation off (what the handlers cost), and what validation adds (the
parameter and support checks, LibTorch ops the hand-written loop skips).
Target (issue 3): <= 2 µs per site in the interpreter.
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

SITES = 100


def model_program(runs):
    lines = ["def model():"]
    lines += [f'    sample("z{i}", Normal(0.0, 1.0))' for i in range(SITES)]
    lines += [
        "",
        "recorded = trace(model).get_trace()",
        "replayed = trace(replay(model, recorded))",
        f"runs = {runs}",
        "for i in range(50):",
        "    replayed.get_trace().log_prob_sum()",
        "best = 1e9",
        "for rep in range(5):",
        "    t0 = process_time()",
        "    for i in range(runs):",
        "        replayed.get_trace().log_prob_sum()",
        "    best = min(best, (process_time() - t0) / runs)",
        "print(best * 1e6)",
    ]
    return "\n".join(lines) + "\n"


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", default=str(root / "build/bin/kiln"))
    ap.add_argument("--baseline", default=str(root / "build/bin/site_overhead_baseline"))
    ap.add_argument("--runs", type=int, default=2000)
    args = ap.parse_args()
    env = {"OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        program = pathlib.Path(tmp) / "hundred_sites.ppl"
        program.write_text(model_program(args.runs))
        def kiln(*flags):
            out = subprocess.run([args.kiln, "run", *flags, str(program)], check=True,
                                 capture_output=True, text=True, env=env).stdout
            return float(out.split()[-1])
        unchecked_us = kiln("--no-validate")
        validated_us = kiln()
    base_us = float(subprocess.run([args.baseline, str(args.runs)], check=True,
                                   capture_output=True, text=True, env=env).stdout.split()[-1])
    print(f"hand-written LibTorch loop, same ops:                 {base_us:9.1f} µs per run")
    print(f"kiln trace∘replay + log_prob_sum, --no-validate:       {unchecked_us:9.1f} µs per run")
    print(f"kiln trace∘replay + log_prob_sum, validation on:       {validated_us:9.1f} µs per run")
    print(f"handler overhead per site (no validation): {(unchecked_us - base_us) / SITES:6.2f} µs "
          f"(target <= 2 µs); ratio {unchecked_us / base_us:.2f}x")
    print(f"validation per site (parameter and support checks): "
          f"{(validated_us - unchecked_us) / SITES:6.2f} µs")


if __name__ == "__main__":
    sys.exit(main())
