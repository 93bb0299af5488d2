#!/usr/bin/env python3
"""The REPL driven through a pseudo-terminal, checking what a person would see:
prompts, continuation prompts, printed values, an error followed by a working
line, Ctrl-C during a loop, history recall with the up arrow, tab completion.
Also the piped (non-terminal) mode."""
import argparse
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time
import unittest

KILN = None


class Terminal:
    """A kiln REPL on a pty; `expect` waits for a pattern in its output."""

    def __init__(self, home):
        env = dict(os.environ, HOME=home, TERM="xterm")
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(KILN, [KILN, "repl"], env)
        self.pid, self.fd, self.buffer = pid, fd, ""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, pattern, timeout=60):
        deadline = time.time() + timeout
        regex = re.compile(pattern)
        while True:
            m = regex.search(self.buffer)
            if m:
                seen = self.buffer[:m.end()]
                self.buffer = self.buffer[m.end():]
                return seen
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {pattern!r}; output so far:\n{self.buffer}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096).decode(errors="replace")
                except OSError:
                    chunk = ""
                if not chunk:
                    raise AssertionError(f"REPL ended while waiting for {pattern!r}:\n{self.buffer}")
                self.buffer += chunk

    def close(self, timeout=20):
        """Ends the session with Ctrl-D and returns the exit code."""
        try:
            self.send("\x04")
            deadline = time.time() + timeout
            resend = time.time() + 2
            while time.time() < deadline:
                if time.time() > resend:  # a loaded machine may still be switching terminal modes
                    self.send("\x04")
                    resend = time.time() + 2
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(status)
                try:  # keep draining output so the REPL never blocks on a full pty
                    if select.select([self.fd], [], [], 0.1)[0]:
                        os.read(self.fd, 4096)
                except OSError:
                    pass
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
            raise AssertionError("the REPL did not exit on Ctrl-D")
        finally:
            os.close(self.fd)


class Repl(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.TemporaryDirectory()
        self.term = Terminal(self.home.name)
        self.term.expect(r">>> ")

    def tearDown(self):
        # A marker proves the REPL has caught up and printed a fresh prompt,
        # whatever the test left unread; Ctrl-D typed ahead of the prompt
        # could be taken by the terminal's line discipline instead.
        self.term.send("print('end-of-test')\r")
        self.term.expect(r"end-of-test\r?\n>>> ")
        self.assertEqual(self.term.close(), 0)
        self.home.cleanup()

    def test_values_blocks_and_state(self):
        t = self.term
        t.send("x = 6 * 7\r")
        t.expect(r">>> ")
        t.send("x\r")
        t.expect(r"42\r?\n>>> ")
        t.send("def double(n):\r")
        t.expect(r"\.\.\. ")
        t.send("    return 2 * n\r")
        t.expect(r"\.\.\. ")
        t.send("\r")
        t.expect(r">>> ")
        t.send("double(x)\r")
        t.expect(r"84\r?\n>>> ")
        t.send("[1,\r")
        t.expect(r"\.\.\. ")
        t.send(" 2]\r")
        t.expect(r"\[1, 2\]")

    def test_error_then_working_line(self):
        t = self.term
        t.send("y = undefined_name\r")
        t.expect(r"name 'undefined_name' is not defined")
        t.expect(r">>> ")
        t.send("1 // 0\r")
        t.expect(r"integer division by zero")
        t.expect(r">>> ")
        t.send("print('alive')\r")
        t.expect(r"alive\r?\n>>> ")

    def test_tensor_echo_shows_shape_and_dtype(self):
        t = self.term
        t.send("ones(2, 3)\r")
        t.expect(r"shape \(2, 3\), dtype float32")

    def test_ctrl_c_interrupts_a_loop_and_keeps_state(self):
        t = self.term
        t.send("kept = 7\r")
        t.expect(r">>> ")
        t.send("def spin():\r")
        t.expect(r"\.\.\. ")
        t.send("    print('spinning')\r")
        t.expect(r"\.\.\. ")
        t.send("    while True:\r")
        t.expect(r"\.\.\. ")
        t.send("        pass\r")
        t.expect(r"\.\.\. ")
        t.send("\r")
        t.expect(r">>> ")
        t.send("spin()\r")
        t.expect(r"spinning")  # the loop is running: Ctrl-C must stop it
        time.sleep(0.2)
        t.send("\x03")
        t.expect(r"interrupted")
        t.expect(r">>> ")
        t.send("kept + 1\r")
        t.expect(r"8\r?\n>>> ")

    def test_ctrl_c_at_the_prompt_abandons_the_line(self):
        t = self.term
        t.send("abandoned = 1")
        t.expect(r"abandoned = 1")  # echoed: the line is being edited
        t.send("\x03")
        t.expect(r"\^C")
        t.expect(r">>> ")
        t.send("print(1 + 1)\r")
        t.expect(r"2\r?\n>>> ")

    def test_history_recall_with_up_arrow(self):
        t = self.term
        t.send("print(123)\r")
        t.expect(r"123\r?\n>>> ")
        t.send("\x1b[A\r")
        t.expect(r"123\r?\n>>> ")

    def test_tab_completes_names(self):
        t = self.term
        t.send("my_variable = 5\r")
        t.expect(r">>> ")
        t.send("my_v\t\r")
        t.expect(r"5\r?\n>>> ")

    def test_commands(self):
        t = self.term
        t.send(":help\r")
        t.expect(r":trace EXPR")
        t.send("def m():\r    return sample(\"z\", Normal(0.0, 1.0))\r\r")
        t.expect(r">>> ")
        t.send(":trace m()\r")
        t.expect(r"z\s+sample\s+Normal\s+\(\)")
        t.send(":ir m\r")
        t.expect(r"function m\(\)")
        t.send(":reset\r")
        t.expect(r"session reset")
        t.send("m\r")
        t.expect(r"name 'm' is not defined")


class PipedRepl(unittest.TestCase):
    def test_reads_stdin_without_prompts(self):
        proc = subprocess.run([KILN, "repl"], input="a = 2\na * 21\ndef f():\n    return 5\n\nf()\n",
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "42\n5\n")

    def test_failing_input_sets_the_exit_code(self):
        proc = subprocess.run([KILN, "repl"], input="nope\nprint('after')\n", capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("name 'nope' is not defined", proc.stderr)
        self.assertEqual(proc.stdout, "after\n")


def main():
    global KILN
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiln", required=True)
    opts, rest = parser.parse_known_args()
    KILN = os.path.abspath(opts.kiln)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
