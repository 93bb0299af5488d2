#!/usr/bin/env python3
"""Time per SVI step: Kiln against a hand-written LibTorch program, same run.

Two models, each timed in CPU time (best of 5 repetitions, start-up
excluded, OMP_NUM_THREADS=1):
  * scale: seed 002's weighing model with its positive-constrained guide,
    Trace_ELBO and Adam(lr=0.01); the limits are bench/svi_scale_baseline.cpp
    (reparameterized draw, three log-densities, one backward, in-place Adam)
    with the log-densities written out, and with the ELBO fused into one
    formula;
  * 100 sites: a model of 100 scalar Normal latents observed through 100
    Normal likelihoods, with a mean-field Normal guide (200 params).
Pyro's figures on this machine are in ../shared/PEERS.md (about 1,440 µs per
scale step; 1,200-1,500 µs per site per step).
    bench/svi_step.py [--kiln build/bin/kiln] [--steps 2000]
"""
import argparse
import pathlib
import subprocess
import sys
import tempfile

SCALE = """
def model(guess):
    weight = sample("weight", Normal(guess, 1.0))
    sample("measurement", Normal(weight, 0.75), obs=9.5)

def guide(guess):
    a = param("a", tensor(guess))
    b = param("b", tensor(1.0), constraint=constraints.positive)
    sample("weight", Normal(a, b))
"""

HUNDRED = "\n".join(
    ["def model():"]
    + [f'    z{i} = sample("z{i}", Normal(0.0, 1.0))\n    sample("x{i}", Normal(z{i}, 1.0), obs=0.5)'
       for i in range(100)]
    + ["", "def guide():"]
    + [f'    sample("z{i}", Normal(param("m{i}", tensor(0.0)), '
       f'param("s{i}", tensor(1.0), constraint=constraints.positive)))' for i in range(100)]
) + "\n"

TIMER = """
svi = SVI(model, guide, Adam({{"lr": 0.01}}), Trace_ELBO())
for i in range(100):
    svi.step({args})
best = 1e9
for rep in range(5):
    t0 = process_time()
    for i in range({steps}):
        svi.step({args})
    best = min(best, (process_time() - t0) / {steps})
print(best * 1e6)
"""


def run_kiln(kiln, program, flags=()):
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "svi_bench.ppl"
        path.write_text(program)
        out = subprocess.run([kiln, "run", *flags, str(path)], check=True, capture_output=True,
                             text=True, env={"OMP_NUM_THREADS": "1"}).stdout
    return float(out.split()[-1])


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", default=str(root / "build/bin/kiln"))
    ap.add_argument("--baseline", default=str(root / "build/bin/svi_scale_baseline"))
    ap.add_argument("--steps", type=int, default=2000)
    args = ap.parse_args()
    def baseline(style):
        return float(subprocess.run([args.baseline, str(args.steps), style], check=True, capture_output=True,
                                    text=True, env={"OMP_NUM_THREADS": "1"}).stdout.split()[-1])
    base = baseline("written")
    fused = baseline("fused")
    scale = run_kiln(args.kiln, SCALE + TIMER.format(args="8.5", steps=args.steps))
    scale_nv = run_kiln(args.kiln, SCALE + TIMER.format(args="8.5", steps=args.steps),
                        ["--no-validate"])
    steps_100 = max(args.steps // 20, 20)
    hundred = run_kiln(args.kiln, HUNDRED + TIMER.format(args="", steps=steps_100))
    hundred_nv = run_kiln(args.kiln, HUNDRED + TIMER.format(args="", steps=steps_100),
                          ["--no-validate"])
    print(f"scale, hand-written LibTorch step, log-densities written out: {base:8.1f} µs")
    print(f"scale, hand-written LibTorch step, one fused ELBO formula:    {fused:8.1f} µs")
    print(f"scale, kiln SVI step (validation on):      {scale:8.1f} µs  ({scale / base:.2f}x the written-out "
          f"limit, {scale / fused:.2f}x the fused one; {1440 / scale:.1f}x faster than Pyro's ~1,440 µs)")
    print(f"scale, kiln SVI step (--no-validate):      {scale_nv:8.1f} µs  ({scale_nv / base:.2f}x the written-out "
          f"limit, {scale_nv / fused:.2f}x the fused one)")
    print(f"100 sites, kiln SVI step (validation on):  {hundred:8.1f} µs  ({hundred / 100:.1f} µs per site; "
          f"Pyro ~1,200-1,500 µs per site)")
    print(f"100 sites, kiln SVI step (--no-validate):  {hundred_nv:8.1f} µs  ({hundred_nv / 100:.1f} µs per site)")


if __name__ == "__main__":
    sys.exit(main())
