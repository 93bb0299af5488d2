#!/usr/bin/env python3
"""NUTS efficiency: effective draws per second of sampling, beside Stan and Pyro.

Two workloads, as ../shared/PEERS.md measured Stan and Pyro on this machine:
  * eight schools, non-centered (y, sigma from ../shared/data/eight_schools.csv;
    mu ~ Normal(0, 5), tau ~ HalfCauchy(5), theta_trans ~ Normal(0, 1));
  * logistic regression, 1000 x 25 plus an intercept, Normal(0, 1) priors,
    one vectorized Bernoulli(logits=X @ w + b) site in a plate. PEERS.md does
    not record the peers' data set; this one is simulated as
    examples/logistic_regression.ppl does (X ~ Normal(0, 1), the true
    coefficients drawn from the prior, data seed 0).

Each run is one chain (`kiln run`, OMP_NUM_THREADS=1), --warmup + --samples
iterations, writing a CmdStan CSV. From the CSV: the sampling time (the
"Elapsed Time ... (Sampling)" line: wall clock of the draws after warmup,
start-up, model loading and warmup excluded) and n_leapfrog__ (one gradient
of the potential per leapfrog step). From the program: the least bulk ESS
over every element of every latent site (MCMC.diagnostics()), and the CPU
and wall time of the whole mcmc.run (their ratio scales the sampling time to
an estimate of its CPU time, the ESS/CPU-s column: on a shared machine wall
time moves with other load). Reported per workload: the median over
--repeat runs (seeds 1, 2, ...) and their range.

With --stan, Stan's NUTS (rstan, `apt-get install r-cran-rstan`) samples the
same model from the same data in the same run (bench/stan/: the Stan
programs and the R driver; the logistic data are exported from Kiln's
simulation), with the same warmup, draws and seeds, diagonal metric: the
ratio Kiln ÷ Stan then needs no figure measured on another day or another
data set. Stan compiles each model first (about a minute, not timed); then Kiln's and
Stan's runs alternate seed by seed, so both see the same machine load.

    bench/nuts_bench.py [--kiln build/bin/kiln] [--warmup 1000] [--samples 1000]
                        [--repeat 3] [--only eight_schools|logistic] [--full-mass] [--stan]
"""
import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

EIGHT_SCHOOLS = """
def model(y, sigma):
    mu = sample("mu", Normal(0.0, 5.0))
    tau = sample("tau", HalfCauchy(5.0))
    with plate("schools", len(y)):
        theta_trans = sample("theta_trans", Normal(0.0, 1.0))
        sample("obs", Normal(mu + tau * theta_trans, sigma), obs=y)

data = read_csv({data!r}, columns=["y", "sigma"])
args = (data["y"], data["sigma"])
"""

LOGISTIC = """
def model(X, y=None):
    w = sample("w", Normal(zeros(X.shape[1]), 1.0).to_event(1))
    b = sample("b", Normal(0.0, 1.0))
    with plate("data", X.shape[0]):
        return sample("y", Bernoulli(logits=X @ w + b), obs=y)

def simulate(rows, features):
    X = randn(rows, features)
    prior_run = trace(model).get_trace(X)
    return X, prior_run["y"]["value"]

args = seed(simulate, 0)(1000, 25)
"""

# Prints the logistic data set, one "ROW <label> <25 features>" line per observation.
EXPORT_LOGISTIC = LOGISTIC + """
for i in range(args[0].shape[0]):
    print("ROW", int(args[1][i]), " ".join([repr(float(args[0][i, j])) for j in range(args[0].shape[1])]))
"""

RUNNER = """
mcmc = MCMC(NUTS(model, full_mass={full_mass}), num_samples={samples}, warmup_steps={warmup}, num_chains=1, seed={seed},
            output={csv!r}, disable_progbar=True)
cpu0, wall0 = process_time(), perf_counter()
mcmc.run(args[0], args[1])
cpu, wall = process_time() - cpu0, perf_counter() - wall0
diagnostics = mcmc.diagnostics()
least = min([float(diagnostics[site]["n_eff"].min()) for site in mcmc.get_samples()])
print("RESULT", least, cpu, wall, mcmc.num_divergences)
"""

# ../shared/PEERS.md, measured on this machine: min-bulk-ESS per second of
# sampling, and µs per gradient (Stan: CPU, sampler included; Pyro: per
# leapfrog step, with torch.jit). Stan and Pyro ran 500 warmup + 1,000 draws.
PEERS = {
    "eight_schools": {"stan_ess_s": 14274, "pyro_ess_s": 25, "stan_us": 5, "pyro_us": 1500},
    "logistic": {"stan_ess_s": 720, "pyro_ess_s": 72, "stan_us": 197, "pyro_us": 1580},
}
# Issue 5's targets: Kiln's ESS/s at least this multiple of the peer's.
TARGETS = {
    "eight_schools": [("Pyro", "pyro_ess_s", 5)],
    "logistic": [("Pyro", "pyro_ess_s", 10), ("Stan", "stan_ess_s", 1)],
}
TITLES = {"eight_schools": "eight schools (non-centered)", "logistic": "logistic regression 1000x25"}


def read_csv_run(path):
    """Sampling seconds and the n_leapfrog__ total from a CmdStan CSV."""
    sampling = None
    leapfrogs = draws = 0
    header = None
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("#"):
            if m := re.search(r"([0-9.eE+-]+) seconds \(Sampling\)", line):
                sampling = float(m.group(1))
            continue
        if not line.strip():
            continue
        cells = line.split(",")
        if header is None:
            header = cells
            column = header.index("n_leapfrog__")
            continue
        leapfrogs += int(cells[column])
        draws += 1
    if sampling is None:
        sys.exit(f"{path}: no 'Elapsed Time ... (Sampling)' line")
    return sampling, leapfrogs, draws


def run_once(kiln, workload, warmup, samples, seed, full_mass):
    prelude = EIGHT_SCHOOLS.format(data=str(ROOT.parent / "shared/data/eight_schools.csv")) \
        if workload == "eight_schools" else LOGISTIC
    with tempfile.TemporaryDirectory() as tmp:
        csv = str(pathlib.Path(tmp) / "draws.csv")
        program = pathlib.Path(tmp) / f"{workload}.ppl"
        program.write_text(prelude + RUNNER.format(samples=samples, warmup=warmup, seed=seed, csv=csv,
                                                       full_mass=full_mass))
        env = dict(os.environ, OMP_NUM_THREADS="1")
        proc = subprocess.run([kiln, "run", str(program)], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"{workload} (seed {seed}) failed with exit code {proc.returncode}:\n{proc.stderr}")
        fields = proc.stdout.split("RESULT")[-1].split()
        sampling, leapfrogs, draws = read_csv_run(csv)
    least_ess, cpu, wall = float(fields[0]), float(fields[1]), float(fields[2])
    return {
        "seed": seed,
        "sampling_s": sampling,
        "min_ess": least_ess,
        "ess_per_s": least_ess / sampling,
        "leapfrog_per_draw": leapfrogs / draws,
        "us_per_gradient": 1e6 * sampling / leapfrogs,
        "gradients_per_s": leapfrogs / sampling,
        "run_cpu_over_wall": cpu / wall,
        # The sampling time scaled by the whole run's CPU share: an estimate of
        # the CPU seconds of sampling, less sensitive to other load.
        "ess_per_cpu_s": least_ess / (sampling * cpu / wall),
        "divergences": int(fields[3]),
    }


def median_and_range(runs, key):
    values = [r[key] for r in runs]
    return statistics.median(values), min(values), max(values)


def report(workload, runs, warmup, samples, full_mass):
    peers = PEERS[workload]
    metric = "dense" if full_mass else "diagonal"
    print(f"\n### {TITLES[workload]}: 1 chain, {warmup} warmup + {samples} draws, {metric} metric, "
          f"{len(runs)} runs (median, range)\n")
    print("| run | seed | sampling s | min bulk ESS | ESS/s | ESS/CPU-s | leapfrogs/draw | µs/gradient | "
          "gradients/s | divergences |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(runs):
        print(f"| {i + 1} | {r['seed']} | {r['sampling_s']:.2f} | {r['min_ess']:.0f} | {r['ess_per_s']:.0f} | "
              f"{r['ess_per_cpu_s']:.0f} | {r['leapfrog_per_draw']:.1f} | {r['us_per_gradient']:.0f} | "
              f"{r['gradients_per_s']:.0f} | {r['divergences']} |")
    ess_s, lo, hi = median_and_range(runs, "ess_per_s")
    us, us_lo, us_hi = median_and_range(runs, "us_per_gradient")
    for r in runs:
        r["ess_per_gradient"] = r["ess_per_s"] * r["us_per_gradient"] * 1e-6
    per_gradient = statistics.median([r["ess_per_gradient"] for r in runs])
    # ESS/s = (ESS per gradient) x (gradients per second): the first is the
    # sampler's on this posterior (Stan's algorithm in all three), the second
    # the engine's. The peers' ESS per gradient follows from their figures.
    stan_per_gradient = peers["stan_ess_s"] * peers["stan_us"] * 1e-6
    pyro_per_gradient = peers["pyro_ess_s"] * peers["pyro_us"] * 1e-6
    print(f"\n| | min-bulk-ESS/s | µs per gradient | min bulk ESS per gradient | Kiln ESS/s ÷ peer's | "
          f"peer's µs per gradient ÷ Kiln's |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| Kiln | {ess_s:.0f} ({lo:.0f}–{hi:.0f}) | {us:.0f} ({us_lo:.0f}–{us_hi:.0f}) | {per_gradient:.3f} | | |")
    print(f"| Stan (PEERS.md) | {peers['stan_ess_s']} | ~{peers['stan_us']} | {stan_per_gradient:.3f} | "
          f"{ess_s / peers['stan_ess_s']:.2f} | {peers['stan_us'] / us:.2f} |")
    print(f"| Pyro (PEERS.md) | {peers['pyro_ess_s']} | ~{peers['pyro_us']} | {pyro_per_gradient:.3f} | "
          f"{ess_s / peers['pyro_ess_s']:.2f} | {peers['pyro_us'] / us:.1f} |")
    print()
    for peer, key, multiple in TARGETS[workload]:
        goal = multiple * peers[key]
        verdict = "met" if ess_s >= goal else "NOT met"
        print(f"- target: ≥ {multiple}× {peer}'s ESS/s = {goal:.0f}: {verdict} "
              f"(median {ess_s:.0f}, {ess_s / peers[key]:.1f}× {peer})")
    cpu_wall = statistics.median([r["run_cpu_over_wall"] for r in runs])
    cpu_ess_s = statistics.median([r["ess_per_cpu_s"] for r in runs])
    print(f"- CPU time ÷ wall time of mcmc.run: {cpu_wall:.2f} (one thread: below 1 means the run "
          f"waited for the CPU); per CPU second of sampling (estimated) the median is {cpu_ess_s:.0f} ESS/s")


def rdump(values):
    """Data in R's dump format (rstan::read_rdump): ints, vectors, and
    matrices given as lists of rows (written column-major, as R stores them)."""
    lines = []
    for name, v in values.items():
        if isinstance(v, list) and v and isinstance(v[0], list):
            columns = [repr(row[j]) for j in range(len(v[0])) for row in v]
            lines.append(f"{name} <- structure(c({', '.join(columns)}), .Dim = c({len(v)}, {len(v[0])}))")
        elif isinstance(v, list):
            lines.append(f"{name} <- c({', '.join(repr(x) for x in v)})")
        else:
            lines.append(f"{name} <- {v!r}")
    return "\n".join(lines) + "\n"


def stan_data(kiln, workload):
    """The benchmark's data for Stan: eight schools from its CSV, the
    logistic regression exported from Kiln's own simulation."""
    if workload == "eight_schools":
        rows = (ROOT.parent / "shared/data/eight_schools.csv").read_text().split()[1:]
        y = [float(r.split(",")[1]) for r in rows]
        sigma = [float(r.split(",")[2]) for r in rows]
        return {"J": len(y), "y": y, "sigma": sigma}
    with tempfile.TemporaryDirectory() as tmp:
        program = pathlib.Path(tmp) / "export.ppl"
        program.write_text(EXPORT_LOGISTIC)
        proc = subprocess.run([kiln, "run", str(program)], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"exporting the logistic data failed with exit code {proc.returncode}:\n{proc.stderr}")
    rows = [line.split()[1:] for line in proc.stdout.splitlines() if line.startswith("ROW ")]
    X = [[float(x) for x in r[1:]] for r in rows]
    return {"N": len(X), "K": len(X[0]), "X": X, "y": [int(r[0]) for r in rows]}


class StanRunner:
    """Stan on one workload: the model compiled once (not timed) in a scratch
    folder, then one Rscript per seed, so Kiln's and Stan's runs alternate
    and share the machine's moods."""

    def __init__(self, kiln, workload, warmup, samples):
        if shutil.which("Rscript") is None:
            sys.exit("--stan needs R and rstan: apt-get install r-cran-rstan")
        self.workload, self.warmup, self.samples = workload, warmup, samples
        self.tmp = tempfile.TemporaryDirectory()
        self.model = pathlib.Path(self.tmp.name) / f"{workload}.stan"
        shutil.copy(ROOT / "bench/stan" / f"{workload}.stan", self.model)
        self.data = pathlib.Path(self.tmp.name) / "data.R"
        self.data.write_text(rdump(stan_data(kiln, workload)))
        print(f"{workload}: compiling the Stan model", file=sys.stderr)
        self._rscript(1, 0)

    def _rscript(self, first, last):
        proc = subprocess.run(["Rscript", str(ROOT / "bench/stan/run_stan.R"), str(self.model), str(self.data),
                               str(self.warmup), str(self.samples), str(first), str(last)],
                              capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        results = [line.split()[1:] for line in proc.stdout.splitlines() if line.startswith("RESULT")]
        if proc.returncode != 0 or len(results) != max(0, last - first + 1):
            sys.exit(f"Stan on {self.workload} failed with exit code {proc.returncode}:\n{proc.stderr[-3000:]}")
        return results

    def run(self, seed):
        _, sampling, leapfrogs, least, divergences = self._rscript(seed, seed)[0]
        sampling, leapfrogs, least = float(sampling), int(float(leapfrogs)), float(least)
        return {"seed": seed, "sampling_s": sampling, "min_ess": least, "ess_per_s": least / sampling,
                "leapfrog_per_draw": leapfrogs / self.samples, "us_per_gradient": 1e6 * sampling / leapfrogs,
                "gradients_per_s": leapfrogs / sampling, "divergences": int(float(divergences))}

    def close(self):
        self.tmp.cleanup()


def report_stan(workload, kiln_runs, stan_runs):
    print(f"\n#### Stan (rstan) on the same data, same settings and seeds\n")
    print("| run | seed | sampling s | min bulk ESS | ESS/s | leapfrogs/draw | µs/gradient | divergences |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(stan_runs):
        print(f"| {i + 1} | {r['seed']} | {r['sampling_s']:.2f} | {r['min_ess']:.0f} | {r['ess_per_s']:.0f} | "
              f"{r['leapfrog_per_draw']:.1f} | {r['us_per_gradient']:.0f} | {r['divergences']} |")
    rows = []
    for name, runs in [("Kiln", kiln_runs), ("Stan", stan_runs)]:
        ess_s, lo, hi = median_and_range(runs, "ess_per_s")
        us, us_lo, us_hi = median_and_range(runs, "us_per_gradient")
        per_gradient = statistics.median([r["ess_per_s"] * r["us_per_gradient"] * 1e-6 for r in runs])
        rows.append((name, ess_s, lo, hi, us, us_lo, us_hi, per_gradient))
    print("\n| same data | min-bulk-ESS/s | µs per gradient | min bulk ESS per gradient |")
    print("|---|---:|---:|---:|")
    for name, ess_s, lo, hi, us, us_lo, us_hi, per_gradient in rows:
        print(f"| {name} | {ess_s:.0f} ({lo:.0f}–{hi:.0f}) | {us:.0f} ({us_lo:.0f}–{us_hi:.0f}) | {per_gradient:.3f} |")
    kiln, stan = rows[0], rows[1]
    print(f"\n- Kiln ÷ Stan, same data and run: ESS/s {kiln[1] / stan[1]:.2f}× (medians), "
          f"gradient speed {stan[4] / kiln[4]:.2f}× (Stan's µs per gradient ÷ Kiln's), "
          f"ESS per gradient {kiln[7] / stan[7]:.2f}×")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiln", default=str(ROOT / "build/bin/kiln"))
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload, seeds 1..N")
    ap.add_argument("--only", choices=sorted(PEERS), help="one workload")
    ap.add_argument("--full-mass", action="store_true",
                    help="a dense mass matrix (NUTS(full_mass=True)); the peers' figures are diagonal")
    ap.add_argument("--stan", action="store_true",
                    help="also run Stan (rstan) on the same data and seeds and report Kiln ÷ Stan")
    args = ap.parse_args()
    kiln = os.path.abspath(args.kiln)
    for workload in [args.only] if args.only else ["eight_schools", "logistic"]:
        stan = StanRunner(kiln, workload, args.warmup, args.samples) if args.stan else None
        runs, stan_runs = [], []
        for seed in range(1, args.repeat + 1):
            print(f"{workload}: run {seed}/{args.repeat}", file=sys.stderr)
            runs.append(run_once(kiln, workload, args.warmup, args.samples, seed, args.full_mass))
            if stan:
                stan_runs.append(stan.run(seed))
        report(workload, runs, args.warmup, args.samples, args.full_mass)
        if stan:
            report_stan(workload, runs, stan_runs)
            stan.close()


if __name__ == "__main__":
    main()
