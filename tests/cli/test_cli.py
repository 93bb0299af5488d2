#!/usr/bin/env python3
"""The `kiln` command tested as a process: exit codes, stdout, stderr."""
import argparse
import os
import pathlib
import re
import signal
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

    def test_model_errors_are_runtime_errors(self):
        data = self.dir / "short.json"
        data.write_text('{"is_cont_africa": [1.0, 0.0], "ruggedness": [1.0, 2.0, 3.0]}')
        r = self.render("model.dot", data=str(data))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("rugged_model.ppl:", r.stderr.decode())
        self.assertNotIn("terminate called", r.stderr.decode())


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
