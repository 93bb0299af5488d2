#!/usr/bin/env python3
"""The `kiln` command tested as a process: exit codes, stdout, stderr."""
import argparse
import csv
import json
import os
import pathlib
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

KILN = None
SOURCE = None


def kiln(*args, stdin=None, env=None, cwd=None):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([KILN, *args], input=stdin, capture_output=True, env=full_env, cwd=cwd, timeout=300)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = self.dir / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(path)

    def test_version_and_help(self):
        r = kiln("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^kiln \d+\.\d+\.\d+")
        r = kiln("--help")
        self.assertEqual(r.returncode, 0)
        for sub in ("run", "check", "ir"):
            self.assertIn(sub, r.stdout.decode())

    def test_unknown_subcommand_is_a_usage_error(self):
        r = kiln("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr)

    def test_missing_file(self):
        for sub in ("run", "check", "ir"):
            r = kiln(sub, str(self.dir / "nope.ppl"))
            self.assertEqual(r.returncode, 2, sub)
            self.assertIn("cannot open", r.stderr.decode())

    def test_check_reports_every_error_with_caret(self):
        path = self.write("bad.ppl", "x = undefined_a\ny = undefined_b\ndef f():\n    return 1\nf(2)\n")
        r = kiln("check", path)
        self.assertEqual(r.returncode, 1)
        err = r.stderr.decode()
        self.assertIn("bad.ppl:1:5: error: name 'undefined_a' is not defined", err)
        self.assertIn("bad.ppl:2:5: error: name 'undefined_b' is not defined", err)
        self.assertIn("f() takes 0 arguments but 1 was given", err)
        self.assertIn("    ^~~~~~~~~~~", err)

    def test_check_and_ir_do_not_load_the_runtime(self):
        path = self.write("ok.ppl", "def f(x):\n    return x + 1\nprint(f(1))\n")
        env = {"KILN_RUNTIME": "/nonexistent/libkiln_runtime.so"}
        self.assertEqual(kiln("check", path, env=env).returncode, 0)
        r = kiln("ir", path, env=env)
        self.assertEqual(r.returncode, 0)
        self.assertIn("function f(%x)", r.stdout.decode())
        libs = subprocess.run(["ldd", KILN], capture_output=True, text=True).stdout
        self.assertNotIn("libtorch", libs)

    def test_run_reads_stdin_and_passes_argv(self):
        r = kiln("run", "-", "--", "a", "b", stdin=b"print(len(argv), argv[1])\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "2 b\n")

    def test_seed_makes_runs_reproducible(self):
        path = self.write("rand.ppl", "print(sample(\"z\", Normal(0.0, 1.0)).item())\n")
        a = kiln("run", path, "--seed", "7").stdout
        b = kiln("run", path, "--seed", "7").stdout
        c = kiln("run", path, "--seed", "8").stdout
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_runtime_error_has_stack_and_exit_code(self):
        path = self.write("boom.ppl", "def g(x):\n    return x[3]\ndef f():\n    return g([1])\nf()\n")
        r = kiln("run", path)
        self.assertEqual(r.returncode, 3)
        err = r.stderr.decode()
        self.assertIn("boom.ppl:2:12: error: list index out of range", err)
        self.assertIn("call stack (most recent call last):", err)
        self.assertIn("boom.ppl:5 in <module>: f()", err)
        self.assertIn("boom.ppl:4 in f: return g([1])", err)
        self.assertNotIn("terminate called", err)

    def test_garbage_input_is_a_compile_error_not_a_crash(self):
        r = kiln("check", "-", stdin=bytes(range(256)) * 64)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error:", r.stderr.decode(errors="replace"))
        r = kiln("check", "-", stdin=b"(" * 10000 + b")" * 10000 + b"\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("too many nested", r.stderr.decode())

    def test_ctrl_c_stops_a_run_with_exit_code_130(self):
        path = self.write("spin.ppl", "def spin():\n    while True:\n        pass\nspin()\n")
        for wait in (3, 8):  # SIGINT must land after the runtime has loaded
            proc = subprocess.Popen([KILN, "run", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(wait)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
            if proc.returncode != -signal.SIGINT:
                break
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("error: interrupted", err.decode())
        self.assertIn("in spin", err.decode())

    def test_run_compile_error_exit_code(self):
        path = self.write("bad.ppl", "print(nope)\n")
        r = kiln("run", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("name 'nope' is not defined", r.stderr.decode())


class Render(unittest.TestCase):
    """`kiln render`: seed 003's rugged regression drawn from a data file."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)
        self.data = pathlib.Path(SOURCE) / "tests" / "cli" / "data"

    def tearDown(self):
        self.tmp.cleanup()

    def render(self, output, *extra, data=None, model="model"):
        data = data or str(self.data / "rugged_small.json")
        return kiln("render", str(self.data / "rugged_model.ppl"), "--model", model, "--data", data,
                    "-o", str(self.dir / output), *extra)

    def test_dot_has_the_plate_sites_and_edges(self):
        r = self.render("model.dot")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("the main block ran", r.stdout.decode())  # __name__ is "rugged_model"
        dot = (self.dir / "model.dot").read_text()
        self.assertTrue(dot.startswith("digraph model {"), dot)
        self.assertIn("subgraph cluster_data {", dot)
        self.assertIn('label="data (5)"', dot)
        for site in ("a", "bA", "bR", "bAR", "sigma", "obs"):
            self.assertRegex(dot, rf"(?m)^\s*{site}\s*\[")
        for parent in ("a", "bA", "bR", "bAR", "sigma"):
            self.assertIn(f"{parent} -> obs;", dot)
        self.assertNotIn("a -> sigma;", dot)
        obs = re.search(r"(?ms)^\s*obs\s*\[(.*?)\];", dot).group(1)
        self.assertIn("style=filled", obs)
        latent = re.search(r"(?ms)^\s*a\s*\[(.*?)\];", dot).group(1)
        self.assertNotIn("filled", latent)
        # obs sits inside the plate's cluster, the latent sites outside it
        cluster = dot[dot.index("subgraph cluster_data {"):]
        cluster = cluster[:cluster.index("}")]
        self.assertRegex(cluster, r"(?m)^\s*obs\s*\[")
        self.assertNotRegex(cluster, r"(?m)^\s*sigma\s*\[")

    def test_distributions_are_named_on_request(self):
        r = self.render("model.dot", "--distributions")
        self.assertEqual(r.returncode, 0, r.stderr)
        dot = (self.dir / "model.dot").read_text()
        self.assertIn(r'label="sigma\nUniform"', dot)
        self.assertIn(r'label="obs\nNormal"', dot)

    def test_svg_and_png(self):
        r = self.render("model.svg")
        self.assertEqual(r.returncode, 0, r.stderr)
        svg = (self.dir / "model.svg").read_bytes()
        self.assertTrue(svg.startswith(b"<?xml") or svg.startswith(b"<svg"), svg[:80])
        self.assertIn(b"sigma", svg)
        r = self.render("model.png")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual((self.dir / "model.png").read_bytes()[:8], b"\x89PNG\r\n\x1a\n")

    def test_csv_data(self):
        csv = self.dir / "rugged.csv"
        csv.write_text("is_cont_africa,ruggedness,log_gdp\n1,0.858,7.49\n0,3.427,8.22\n0,0.769,9.93\n")
        r = self.render("model.dot", data=str(csv))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('label="data (3)"', (self.dir / "model.dot").read_text())

    def test_positional_arguments_and_name(self):
        path = self.dir / "scalars.ppl"
        path.write_text('print(__name__)\n'
                        'def m(n, scale):\n'
                        '    with plate("p", n):\n'
                        '        sample("x", Normal(0.0, scale))\n')
        out = self.dir / "m.dot"
        r = kiln("render", str(path), "--model", "m", "-o", str(out), "--", "4", "2.5")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "scalars\n")
        self.assertIn('label="p (4)"', out.read_text())

    def test_bad_extension(self):
        r = self.render("model.jpg")
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        self.assertIn("cannot tell the image format of", err)
        self.assertIn(".svg, .png and .dot", err)
        self.assertFalse((self.dir / "model.jpg").exists())

    def test_unknown_model_lists_the_functions(self):
        r = self.render("model.dot", model="modle")
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        self.assertIn("no function 'modle' in", err)
        self.assertIn("functions: model, guide", err)
        self.assertIn("did you mean 'model'?", err)

    def test_missing_data_field_is_named(self):
        data = self.dir / "partial.json"
        data.write_text('{"is_cont_africa": [1.0], "log_gdp": [7.5]}')
        r = self.render("model.dot", data=str(data))
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        self.assertIn("model() needs argument 'ruggedness'", err)
        self.assertIn("its fields: is_cont_africa, log_gdp", err)

    def test_bad_data_files(self):
        bad = self.dir / "bad.json"
        bad.write_text('{"ruggedness": [1.0,')
        r = self.render("model.dot", data=str(bad))
        self.assertEqual(r.returncode, 2)
        self.assertIn("not valid JSON", r.stderr.decode())
        r = self.render("model.dot", data=str(self.dir / "data.txt"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("data files are .json", r.stderr.decode())
        ragged = self.dir / "ragged.csv"
        ragged.write_text("is_cont_africa,ruggedness,log_gdp\n1,2\n")
        r = self.render("model.dot", data=str(ragged))
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2: the row has 2 cells but the header has 3", r.stderr.decode())

    def test_csv_format_errors_name_line_and_column(self):
        bad = self.dir / "quote.csv"
        bad.write_text('is_cont_africa,ruggedness,log_gdp\n1,"0.858" x,7.49\n')
        r = self.render("model.dot", data=str(bad))
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"data file '{bad}', line 2, column 2: text after the closing quote", r.stderr.decode())

    def test_example_bayes_regression_model(self):
        """examples/bayes_regression.ppl's model drawn from its small data file,
        without running the example's main block (which reads the CSV and fits)."""
        examples = pathlib.Path(SOURCE) / "examples"
        out = self.dir / "bayes_regression.dot"
        r = kiln("render", str(examples / "bayes_regression.ppl"), "--model", "model",
                 "--data", str(examples / "data" / "rugged_small.json"), "-o", str(out))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), "")
        dot = out.read_text()
        self.assertIn("subgraph cluster_data {", dot)
        self.assertIn('label="data (5)"', dot)
        for site in ("a", "bA", "bR", "bAR", "sigma", "obs"):
            self.assertRegex(dot, rf"(?m)^\s*{site}\s*\[")
        for parent in ("a", "bA", "bR", "bAR", "sigma"):
            self.assertIn(f"{parent} -> obs;", dot)
        cluster = dot[dot.index("subgraph cluster_data {"):]
        self.assertRegex(cluster[:cluster.index("}")], r"(?m)^\s*obs\s*\[")

    def test_model_errors_are_runtime_errors(self):
        data = self.dir / "short.json"
        data.write_text('{"is_cont_africa": [1.0, 0.0], "ruggedness": [1.0, 2.0, 3.0]}')
        r = self.render("model.dot", data=str(data))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("rugged_model.ppl:", r.stderr.decode())
        self.assertNotIn("terminate called", r.stderr.decode())


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Plot(unittest.TestCase):
    """line_plot and histogram (stdlib/plot/): the files gnuplot writes."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def run_program(self, text, env=None):
        path = self.dir / "plots.ppl"
        path.write_text(text)
        return kiln("run", str(path), "--seed", "0", "--", str(self.dir), env=env)

    PROGRAM = (
        "out = argv[0]\n"
        "x = linspace(0.0, 1.0, 40)\n"
        "line_plot(out + '/lines.png', x, [x, x * x], labels=['x', 'x^2'], title='lines', xlabel='x',\n"
        "          bands=[(x - 0.1, x + 0.1), None], points=([0.2, 0.8], [0.3, 0.5]))\n"
        "line_plot(out + '/lines.svg', x, x * 2.0, title='svg_lines')\n"
        "histogram(out + '/hist.png', [randn(500), randn(300) + 1.0], labels=['a', 'b'], bins=20)\n"
        "histogram(out + '/hist.svg', randn(500), title='svg_hist', density=False)\n"
    )

    def test_png_and_svg_files(self):
        r = self.run_program(self.PROGRAM)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("lines.png", "hist.png"):
            self.assertEqual((self.dir / name).read_bytes()[:8], PNG_MAGIC, name)
        for name, title in (("lines.svg", b"svg_lines"), ("hist.svg", b"svg_hist")):
            svg = (self.dir / name).read_bytes()
            self.assertIn(b"<svg", svg[:400], name)
            self.assertIn(title, svg, name)
        self.assertEqual([p.name for p in self.dir.iterdir() if ".tmp." in p.name], [])

    def test_missing_gnuplot_is_named_and_writes_nothing(self):
        r = self.run_program(self.PROGRAM, env={"PATH": str(self.dir / "no-bin")})
        self.assertEqual(r.returncode, 3)
        self.assertIn("plotting needs gnuplot (apt-get install gnuplot-nox)", r.stderr.decode())
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["plots.ppl"])

    def test_unknown_extension_writes_nothing(self):
        r = self.run_program("line_plot(argv[0] + '/lines.pdf', [0, 1], [0, 1])\n")
        self.assertEqual(r.returncode, 3)
        self.assertIn("plots are .png or .svg files", r.stderr.decode())
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["plots.ppl"])


def read_param_file(path):
    """{name: (dtype, shape, raw bytes)} of a save_params file (docs/param_store_format.md)."""
    data = pathlib.Path(path).read_bytes()
    assert data[:12] == b"KILN-PARAMS\n", data[:12]
    header_len, data_len = struct.unpack_from("<QQ", data, 16)
    header = json.loads(data[32:32 + header_len])
    body = data[32 + header_len:32 + header_len + data_len]
    return {p["name"]: (p["dtype"], p["shape"], body[p["offset"]:p["offset"] + p["length"]])
            for p in header["params"]}


class Svi(unittest.TestCase):
    """`kiln svi` on a conjugate model (tests/cli/data/normal_model.ppl)."""

    POSTERIOR_MEAN = 15.7 / 10.01  # sum(y) / (n + 1/100)
    POSTERIOR_SD = 10.01 ** -0.5

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)
        self.data = pathlib.Path(SOURCE) / "tests" / "cli" / "data"

    def tearDown(self):
        self.tmp.cleanup()

    def svi_args(self, *extra, model="model", guide="auto-normal", steps=300, lr="0.03", out="fit",
                 data="normal_data.json"):
        return ["svi", str(self.data / "normal_model.ppl"), "--model", model, "--guide", guide,
                "--data", str(self.data / data), "--steps", str(steps), "--lr", lr,
                "--output-dir", str(self.dir / out), "--seed", "0", *extra]

    def svi(self, *extra, env=None, **kw):
        return kiln(*self.svi_args(*extra, **kw), env=env)

    def summary(self, out="fit"):
        with open(self.dir / out / "summary.csv", newline="") as f:
            return {row["name"]: row for row in csv.DictReader(f)}

    def test_auto_normal_finds_the_conjugate_posterior(self):
        r = self.svi("--num-particles", "5")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.dir / "fit"
        rows = (out / "loss.csv").read_text().splitlines()
        self.assertEqual(rows[0], "step,loss")
        self.assertEqual([int(row.split(",")[0]) for row in rows[1:]], list(range(1, 301)))
        self.assertEqual((out / "loss.png").read_bytes()[:8], PNG_MAGIC)
        self.assertIn("AutoNormal.locs.mu", read_param_file(out / "params.kparams"))
        stdout = r.stdout.decode()
        self.assertNotIn("the main block ran", stdout)
        self.assertIn("posterior summary (1000 draws of the guide)", stdout)
        self.assertRegex(stdout, r"(?m)^mu\s+-?\d")
        mu = self.summary()["mu"]
        # Tolerances: the Monte Carlo error of 1000 draws (0.01) plus the
        # jitter of the fitted loc and scale at this learning rate (~0.05).
        self.assertAlmostEqual(float(mu["mean"]), self.POSTERIOR_MEAN, delta=0.12)
        self.assertAlmostEqual(float(mu["sd"]), self.POSTERIOR_SD, delta=0.1)
        self.assertLess(float(mu["5%"]), float(mu["50%"]))
        self.assertLess(float(mu["50%"]), float(mu["95%"]))
        self.assertIn("step 300/300", r.stderr.decode())

    def test_vector_sites_guide_functions_and_no_gnuplot(self):
        # Without gnuplot the fit still succeeds; only loss.png is missing.
        r = self.svi(model="two_means", guide="auto-diagonal", env={"PATH": str(self.dir / "no-bin")})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("plotting needs gnuplot", r.stderr.decode())
        self.assertFalse((self.dir / "fit" / "loss.png").exists())
        summary = self.summary()
        self.assertEqual(sorted(summary), ["theta[0]", "theta[1]"])
        self.assertGreater(float(summary["theta[0]"]["mean"]), 0.5)   # mean(y) is 1.57
        self.assertLess(float(summary["theta[1]"]["mean"]), -0.3)     # mean(z) is -1.0
        self.assertIn("theta[1]", r.stdout.decode())

        r = self.svi("--optim", "sgd", guide="guide", lr="0.01", out="own")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sorted(read_param_file(self.dir / "own" / "params.kparams")), ["loc", "scale"])
        self.assertIn("mu", self.summary("own"))

    def test_resume_continues_bit_for_bit(self):
        every = ("--checkpoint-every", "100")
        full = self.svi(*every, steps=200, out="full")
        self.assertEqual(full.returncode, 0, full.stderr)
        first = self.svi(*every, steps=100, out="split")
        self.assertEqual(first.returncode, 0, first.stderr)
        split = self.dir / "split"
        self.assertTrue((split / "checkpoint.kparams").exists())
        self.assertTrue((split / "checkpoint.optim").read_bytes().startswith(b"KILN-CHECKPOINT\n"))
        # As if killed after checkpoint.optim was replaced but before the new
        # params were renamed into place: resuming finishes the rename.
        (split / "checkpoint.kparams").rename(split / "checkpoint.kparams.next")
        second = self.svi(*every, "--resume", steps=200, out="split")
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertIn("resuming from the checkpoint at step 100", second.stderr.decode())
        self.assertEqual(read_param_file(split / "params.kparams"),
                         read_param_file(self.dir / "full" / "params.kparams"))
        self.assertEqual((split / "loss.csv").read_text(), (self.dir / "full" / "loss.csv").read_text())
        self.assertEqual((split / "summary.csv").read_text(), (self.dir / "full" / "summary.csv").read_text())

        # A checkpoint only continues the run that made it.
        r = self.svi("--resume", guide="auto-diagonal", steps=300, out="split")
        self.assertEqual(r.returncode, 2)
        self.assertIn("was made with --guide auto-normal, not auto-diagonal", r.stderr.decode())

    def test_ctrl_c_checkpoints_and_the_resumed_run_matches(self):
        steps = 1500
        full = self.svi(steps=steps, out="full")
        self.assertEqual(full.returncode, 0, full.stderr)
        proc = subprocess.Popen([KILN, *self.svi_args("--progress-every", "20", steps=steps, out="stopped")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = b""
        while b"step 20/" not in seen:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=120)
        err = (seen + rest).decode()
        if proc.returncode == 0:
            self.skipTest("the run finished before Ctrl-C arrived")
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("kiln svi: interrupted after step", err)
        self.assertIn("resume with: kiln svi", err)
        stopped = self.dir / "stopped"
        self.assertTrue((stopped / "checkpoint.kparams").exists())
        self.assertTrue((stopped / "checkpoint.optim").exists())
        self.assertFalse((stopped / "summary.csv").exists())
        r = self.svi("--resume", steps=steps, out="stopped")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read_param_file(stopped / "params.kparams"),
                         read_param_file(self.dir / "full" / "params.kparams"))

    def test_a_loss_that_is_not_finite_stops_with_the_site(self):
        r = self.svi(model="broken", guide="auto-normal")
        self.assertEqual(r.returncode, 3)
        err = r.stderr.decode()
        self.assertIn("kiln svi: the loss is nan at step 1", err)
        self.assertIn("'boom'", err)
        self.assertNotIn("terminate called", err)
        out = self.dir / "fit"
        self.assertEqual((out / "loss.csv").read_text(), "step,loss\n")
        self.assertFalse((out / "params.kparams").exists())
        self.assertFalse((out / "summary.csv").exists())

    def expect_usage_error(self, args, *messages):
        r = kiln(*args)
        self.assertEqual(r.returncode, 2, r.stderr)
        for message in messages:
            self.assertIn(message, r.stderr.decode())

    def test_bad_names_are_usage_errors(self):
        self.expect_usage_error(self.svi_args("--optim", "adamw"), "unknown optimizer 'adamw' for --optim",
                                "did you mean 'adam'?")
        self.expect_usage_error(self.svi_args(guide="auto-norml"), "unknown autoguide 'auto-norml'",
                                "did you mean 'auto-normal'?")
        self.expect_usage_error(self.svi_args("--elbo", "graph"), "unknown ELBO 'graph' for --elbo")
        self.expect_usage_error(self.svi_args(guide="gide"), "no function 'gide' in", "did you mean 'guide'?")
        self.expect_usage_error(self.svi_args(model="modl"), "no function 'modl' in")

    def test_bad_numbers_and_inputs_are_usage_errors(self):
        self.expect_usage_error(self.svi_args(lr="0"), "--lr must be a positive number, got 0")
        self.expect_usage_error(self.svi_args(steps=0), "--steps must be at least 1, got 0")
        partial = self.dir / "partial.json"
        partial.write_text('{"z": [1.0]}')
        self.expect_usage_error(self.svi_args(data=str(partial)), "model() needs argument 'y'")
        self.expect_usage_error(self.svi_args("--resume"), "no checkpoint to resume from")
        self.assertFalse((self.dir / "fit" / "loss.csv").exists())


STAN_SAMPLER_COLUMNS = "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__"


def read_stan_csv(path):
    """(config comment lines, header, draw rows as lists of strings, whole text) of a CmdStan CSV."""
    text = pathlib.Path(path).read_text()
    comments = [line for line in text.splitlines() if line.startswith("#")]
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return comments, rows[0], [row.split(",") for row in rows[1:]], text


class Nuts(unittest.TestCase):
    """`kiln nuts` on the models of tests/cli/data/nuts_models.ppl."""

    POSTERIOR_MEAN = 15.7 / 10.01  # conjugate normal mean: sum(y) / (n + 1/100)
    POSTERIOR_SD = 10.01 ** -0.5

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)
        self.data = pathlib.Path(SOURCE) / "tests" / "cli" / "data"

    def tearDown(self):
        self.tmp.cleanup()

    def nuts_args(self, *extra, model="model", samples=300, warmup=300, chains=2, data="normal_data.json",
                  output="draws.csv"):
        args = ["nuts", str(self.data / "nuts_models.ppl"), "--model", model, "--samples", str(samples),
                "--warmup", str(warmup), "--chains", str(chains), "--seed", "1",
                "--output", str(self.dir / output), *extra]
        return args + (["--data", str(self.data / data)] if data else [])

    def nuts(self, *extra, **kw):
        return kiln(*self.nuts_args(*extra, **kw))

    def summary(self, name="draws_summary.csv"):
        with open(self.dir / name, newline="") as f:
            return {row["name"]: row for row in csv.DictReader(f)}

    def test_conjugate_posterior_csv_files_and_summary(self):
        r = self.nuts(samples=1000)
        self.assertEqual(r.returncode, 0, r.stderr)
        err, out = r.stderr.decode(), r.stdout.decode()
        for chain in (1, 2):
            comments, header, rows, text = read_stan_csv(self.dir / f"draws_{chain}.csv")
            self.assertEqual(header, STAN_SAMPLER_COLUMNS + ",mu")
            self.assertEqual(len(rows), 1000)
            self.assertTrue(all(len(row) == 8 for row in rows))
            self.assertIn("# model = model", comments)
            self.assertIn(f"# id = {chain}" + (" (Default)" if chain == 1 else ""), comments)
            self.assertIn(["#", "seed", "=", "1"], [c.split() for c in comments])
            self.assertIn(["#", "file", "=", str(self.data / "normal_data.json")], [c.split() for c in comments])
            self.assertIn("# Adaptation terminated", comments)
            self.assertIn("Elapsed Time", text)
        self.assertNotIn("the main block ran", out)
        self.assertIn("posterior summary (2 chains of 1000 draws after 300 warmup iterations)", out)
        self.assertRegex(out, r"(?m)^\s*mu\s+-?\d")
        for column in ("mean", "sd", "mcse", "median", "5.0%", "95.0%", "n_eff(bulk)", "n_eff(tail)", "r_hat"):
            self.assertIn(column, out)
        mu = self.summary()["mu"]
        # A mean of ~2000 draws with ESS at least a few hundred: its Monte
        # Carlo error is ~0.02, so 0.1 is about 5 standard errors.
        self.assertAlmostEqual(float(mu["mean"]), self.POSTERIOR_MEAN, delta=0.1)
        self.assertAlmostEqual(float(mu["sd"]), self.POSTERIOR_SD, delta=0.08)
        self.assertLess(float(mu["mcse_mean"]), 0.05)
        self.assertLess(float(mu["r_hat"]), 1.01)
        self.assertLess(float(mu["q5"]), float(mu["q50"]))
        self.assertLess(float(mu["q50"]), float(mu["q95"]))
        self.assertIn("chain 1/2: sampling 1000/1000", err)
        self.assertIn("chain 2/2: sampling 1000/1000", err)
        self.assertIn("seed 1", err)
        self.assertNotIn("warning:", err)   # a conjugate normal mixes well

        # Same seed, same draws, whether the chains run in parallel (the
        # default) or one after another.
        again = self.nuts("--chain-method", "sequential", samples=1000, output="again.csv")
        self.assertEqual(again.returncode, 0, again.stderr)
        for chain in (1, 2):
            self.assertEqual(read_stan_csv(self.dir / f"again_{chain}.csv")[2],
                             read_stan_csv(self.dir / f"draws_{chain}.csv")[2])

    def test_vector_sites_dense_metric_and_one_chain(self):
        r = self.nuts("--dense", "--summary-csv", str(self.dir / "s" / "table.csv"), model="two_means", chains=1,
                      samples=200, warmup=200)
        self.assertEqual(r.returncode, 0, r.stderr)
        # One chain: the output file itself, as MCMC(output=...) and CmdStan name it.
        comments, header, rows, _ = read_stan_csv(self.dir / "draws.csv")
        self.assertFalse((self.dir / "draws_1.csv").exists())
        self.assertEqual(header, STAN_SAMPLER_COLUMNS + ",theta.1,theta.2,sigma")
        self.assertEqual(len(rows), 200)
        self.assertIn(["#", "metric", "=", "dense_e"], [c.split() for c in comments])
        self.assertIn("# Elements of inverse mass matrix:", comments)
        summary = self.summary("s/table.csv")
        self.assertEqual(sorted(summary), ["sigma", "theta[0]", "theta[1]"])
        self.assertGreater(float(summary["theta[0]"]["mean"]), 0.8)   # mean(y) is 1.57
        self.assertLess(float(summary["theta[1]"]["mean"]), -0.2)     # mean(z) is -1.0
        self.assertGreater(float(summary["sigma"]["q5"]), 0)
        self.assertIn("theta[1]", r.stdout.decode())

    def test_warnings_divergences_tree_depth_and_ess(self):
        r = self.nuts(model="cliff", data=None, samples=200, warmup=200)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr.decode(),
                         r"warning: \d+ of 400 draws after warmup were divergent \(chain 1: \d+, chain 2: \d+\); "
                         r"increase --target-accept \(now 0\.8\) or reparameterize the model")
        divergent = sum(int(row[5]) for chain in (1, 2) for row in read_stan_csv(self.dir / f"draws_{chain}.csv")[2])
        self.assertIn(f"warning: {divergent} of 400 draws after warmup", r.stderr.decode())

        # Depth 1 is two leapfrog steps per draw: every tree saturates, and
        # 2 x 20 draws cannot reach 100 effective draws per chain.
        r = self.nuts("--max-tree-depth", "1", samples=20, warmup=50)
        self.assertEqual(r.returncode, 0, r.stderr)
        err = r.stderr.decode()
        self.assertRegex(err, r"warning: \d+ of 40 draws after warmup hit the maximum tree depth 1 ")
        self.assertIn("increase --max-tree-depth", err)
        self.assertIn("warning: mu: too few effective draws (bulk ESS", err)
        self.assertIn("want at least 200, 100 per chain", err)

    def test_discrete_latent_is_a_runtime_error(self):
        r = self.nuts(model="mixture")
        self.assertEqual(r.returncode, 3, r.stderr)
        err = r.stderr.decode()
        self.assertIn("NUTS cannot sample the discrete site 'shifted' (Bernoulli)", err)
        self.assertIn("Kiln has no enumeration yet", err)
        self.assertNotIn("terminate called", err)
        self.assertFalse((self.dir / "draws_1.csv").exists())

    def expect_usage_error(self, args, *messages):
        r = kiln(*args)
        self.assertEqual(r.returncode, 2, r.stderr)
        for message in messages:
            self.assertIn(message, r.stderr.decode())

    def test_bad_options_and_inputs_are_usage_errors(self):
        partial = self.dir / "partial.json"
        partial.write_text('{"z": [1.0]}')
        self.expect_usage_error(self.nuts_args(data=str(partial)), "model() needs argument 'y'",
                                "not in " + str(partial), "its fields: z")
        self.expect_usage_error(self.nuts_args(data=None), "model() needs argument 'y', and no --data file")
        self.expect_usage_error(self.nuts_args("--target-accept", "1.5"),
                                "--target-accept must lie strictly between 0 and 1, got 1.5")
        self.expect_usage_error(self.nuts_args("--max-tree-depth", "0"), "--max-tree-depth must be from 1 to 30, got 0")
        self.expect_usage_error(self.nuts_args(chains=0), "--chains must be at least 1, got 0")
        self.expect_usage_error(self.nuts_args(samples=0), "--samples must be at least 1, got 0")
        self.expect_usage_error(self.nuts_args(warmup=-1), "--warmup must be at least 0, got -1")
        self.expect_usage_error(self.nuts_args(model="modl"), "no function 'modl' in", "did you mean 'model'?")
        (self.dir / "taken").mkdir()
        self.expect_usage_error(self.nuts_args(chains=1, output="taken"), "cannot write the draws to",
                                "it is a directory")
        self.expect_usage_error(self.nuts_args("--samples", "many"))   # CLI11's own check
        self.expect_usage_error(self.nuts_args("--chain-method", "vectorized"),
                                "--chain-method must be parallel or sequential, got 'vectorized'")
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["partial.json", "taken"])

    def test_ctrl_c_keeps_whole_rows_and_exits_130(self):
        proc = subprocess.Popen([KILN, *self.nuts_args(samples=100000, warmup=50, chains=2)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = self.dir / "draws_1.csv"
        deadline = time.time() + 120
        # Wait for a few draws: the runtime, with its Ctrl-C handler, is loaded by then.
        while time.time() < deadline and proc.poll() is None:
            lines = first.read_text().splitlines() if first.exists() else []
            if sum(1 for line in lines if line and not line.startswith("#")) > 20:   # the header and 20 draws
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        err = err.decode()
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("kiln nuts: interrupted; the draws made so far are kept:", err)
        # The chains ran in parallel: both files hold whole rows only.
        for path in (first, self.dir / "draws_2.csv"):
            _, header, rows, text = read_stan_csv(path)
            self.assertEqual(header, STAN_SAMPLER_COLUMNS + ",mu")
            self.assertTrue(text.endswith("\n"))
            self.assertTrue(all(len(row) == 8 and all(row) for row in rows))
            self.assertIn(f"{path}: {len(rows)} of 100000 draws (incomplete)", err)
            self.assertNotIn("Elapsed Time", text)
        self.assertGreaterEqual(len(read_stan_csv(first)[2]), 20)
        self.assertFalse((self.dir / "draws_summary.csv").exists())
        self.assertEqual(out, b"")


def main():
    global KILN, SOURCE
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", required=True)
    parser.add_argument("--source-dir", required=True)
    opts, rest = parser.parse_known_args()
    KILN = os.path.abspath(opts.kiln)
    SOURCE = opts.source_dir
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
