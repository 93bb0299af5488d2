#!/usr/bin/env python3
"""Prints the Markdown tables of Kiln's builtins from frontend/builtins.def,
one table per section of the file, for docs/language.md ("Builtins").

    docs/gen_builtins_table.py [--def path/to/builtins.def]
    docs/gen_builtins_table.py --update docs/language.md

prints the tables; with --update it rewrites the part of the given Markdown
file between the BEGIN/END GENERATED BUILTINS TABLE comments instead. Run it
after changing builtins.def; the table is the same data the compiler checks
calls against.
"""
import argparse
import pathlib
import re
import sys

DEFAULT_DEF = pathlib.Path(__file__).resolve().parent.parent / "frontend" / "builtins.def"

STRING = r'"((?:[^"\\]|\\.)*)"'
ENTRY = re.compile(
    r"^(BUILTIN|EFFECT)\(\s*(\w+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*" + STRING + r"\s*,\s*" + STRING + r"\s*\)")
CONSTANT = re.compile(r"^CONSTANT\(\s*(\w+)\s*,\s*" + STRING + r"\s*\)")
SECTION = re.compile(r"^//\s*-{2,}\s*(.+?)\s*$")
BEGIN = "<!-- BEGIN GENERATED BUILTINS TABLE: docs/gen_builtins_table.py -->"
END = "<!-- END GENERATED BUILTINS TABLE -->"


def unescape(text):
    return re.sub(r"\\(.)", r"\1", text)


def cell(text):
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("*", "\\*")


def arity(lo, hi):
    if hi < 0:
        return "any number" if lo == 0 else f"{lo} or more"
    if lo == hi:
        return str(lo)
    return f"{lo} to {hi}"


def keywords(spec):
    if spec == "*":
        return "any"
    if not spec:
        return "—"
    return ", ".join(f"`{k}=`" for k in spec.split(","))


def parse(path):
    """[(section title, [row, ...])] in file order; a row is a dict."""
    sections = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if m := SECTION.match(line):
            sections.append((m.group(1), []))
            continue
        if m := ENTRY.match(line):
            kind, name, lo, hi, kw, summary = m.groups()
            row = {"kind": kind.lower(), "name": name, "args": arity(int(lo), int(hi)),
                   "keywords": keywords(unescape(kw)), "summary": unescape(summary)}
        elif m := CONSTANT.match(line):
            name, summary = m.groups()
            row = {"kind": "constant", "name": name, "args": "", "keywords": "",
                   "summary": unescape(summary)}
        else:
            continue
        if not sections:
            sections.append(("builtins", []))
        sections[-1][1].append(row)
    return sections


def render(sections):
    out = []
    for title, rows in sections:
        if not rows:
            continue
        out.append(f"#### {title[0].upper()}{title[1:]}")
        out.append("")
        if all(r["kind"] == "constant" for r in rows):
            out.append("| name | value |")
            out.append("|---|---|")
            out += [f"| `{r['name']}` | {cell(r['summary'])} |" for r in rows]
        else:
            out.append("| name | positional arguments | keywords | description |")
            out.append("|---|---|---|---|")
            for r in rows:
                out.append(f"| `{r['name']}` | {r['args']} | {r['keywords']} | {cell(r['summary'])} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def update(markdown, table):
    text = markdown.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        sys.exit(f"{markdown}: no {BEGIN} ... {END} section to update")
    start += len(BEGIN)
    markdown.write_text(text[:start] + "\n\n" + table + "\n" + text[end:], encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description="Markdown tables of frontend/builtins.def")
    parser.add_argument("--def", dest="def_path", type=pathlib.Path, default=DEFAULT_DEF)
    parser.add_argument("--update", type=pathlib.Path, metavar="MARKDOWN",
                        help="rewrite the generated section of this file instead of printing")
    opts = parser.parse_args()
    table = render(parse(opts.def_path))
    if opts.update:
        update(opts.update, table)
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
