#!/usr/bin/python3
"""excerpts.py -- check that the code quoted in the tutorial is the code.

The contract, for chapters/README.md and chapters/*/README.md:

- A fenced code block whose fence is immediately preceded by the line

      <!-- from: PATH -->

  (PATH relative to the repository's top, e.g. src/frame.c or
  chapters/05-frames/main.c) must equal a run of consecutive lines of
  PATH, exactly: same characters, same indentation, same order.

- A fenced block preceded by

      <!-- diff: A B -->

  must equal a run of consecutive lines of the output of `diff -u A B`
  (A and B relative to the top), its "---" and "+++" header lines left
  out or included as they are.

- Every ```c and ```diff block must carry one of these lines: no pasted
  code. Other blocks (```sh, ```text, diagrams) are free.

A fence may be indented (inside a list item); its content is read without
that indentation, as Markdown does. Prints every block that differs, with
its file and line and the first line that does not match, and exits 1 if
any does; otherwise prints how many blocks were checked.

Usage: excerpts.py [--root DIR] [README.md...]
"""

import glob
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([\w+-]*)")
FROM = re.compile(r"^<!--\s*from:\s*(\S+)\s*-->\s*$")
DIFF = re.compile(r"^<!--\s*diff:\s*(\S+)\s+(\S+)\s*-->\s*$")
MUST_QUOTE = ("c", "diff")


def blocks(text):
    """Yield (line number of the fence, info word, previous line, body
    lines) for every fenced block of a Markdown text."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        start = i
        body = []
        i += 1
        while i < len(lines):
            close = lines[i].strip()
            if close.startswith(fence[0] * len(fence)) and \
                    close.strip(fence[0]) == "":
                break
            line = lines[i]
            strip = len(line) - len(line.lstrip(" "))
            body.append(line[min(strip, indent):])
            i += 1
        prev = lines[start - 1].strip() if start > 0 else ""
        yield start + 1, info, prev, body
        i += 1


def find_run(needle, haystack):
    """Index in haystack where the list needle occurs whole, or -1."""
    n = len(needle)
    for k in range(len(haystack) - n + 1):
        if haystack[k:k + n] == needle:
            return k
    return -1


def first_mismatch(needle, haystack):
    """The first line of needle that cannot be matched, for the report:
    the longest prefix of needle found anywhere in haystack ends there."""
    best = 0
    for k in range(len(haystack)):
        j = 0
        while j < len(needle) and k + j < len(haystack) and \
                haystack[k + j] == needle[j]:
            j += 1
        best = max(best, j)
    return best


def inside(root, path):
    full = os.path.realpath(os.path.join(root, path))
    return full if full.startswith(os.path.realpath(root) + os.sep) else None


def source_lines(root, path):
    full = inside(root, path)
    if full is None or not os.path.isfile(full):
        return None
    with open(full, encoding="utf-8") as f:
        return f.read().split("\n")


def diff_lines(root, a, b):
    fa, fb = inside(root, a), inside(root, b)
    if not fa or not fb or not os.path.isfile(fa) or not os.path.isfile(fb):
        return None
    out = subprocess.run(["diff", "-u", a, b], cwd=root,
                         capture_output=True, text=True)
    lines = out.stdout.split("\n")
    # Dates in the headers change with every checkout: compare names only.
    return [re.sub(r"^(---|\+\+\+) (\S+).*$", r"\1 \2", l) for l in lines]


def check_file(root, md):
    """Check one Markdown file. Returns (blocks checked, problems)."""
    rel = os.path.relpath(md, root)
    with open(md, encoding="utf-8") as f:
        text = f.read()
    checked, problems = 0, []
    for line, info, prev, body in blocks(text):
        where = "%s:%d" % (rel, line)
        m_from, m_diff = FROM.match(prev), DIFF.match(prev)
        if m_from:
            path = m_from.group(1)
            src = source_lines(root, path)
            if src is None:
                problems.append("%s: quotes %s, which does not exist"
                                % (where, path))
                continue
            what = path
        elif m_diff:
            a, b = m_diff.group(1), m_diff.group(2)
            src = diff_lines(root, a, b)
            if src is None:
                problems.append("%s: diffs %s and %s; one does not exist"
                                % (where, a, b))
                continue
            body = [re.sub(r"^(---|\+\+\+) (\S+).*$", r"\1 \2", l)
                    for l in body]
            what = "diff -u %s %s" % (a, b)
        else:
            if info in MUST_QUOTE:
                problems.append(
                    "%s: a ```%s block must be preceded by <!-- from: PATH -->"
                    " or <!-- diff: A B --> (no pasted code)" % (where, info))
            continue
        checked += 1
        if not body:
            problems.append("%s: empty excerpt of %s" % (where, what))
        elif find_run(body, src) < 0:
            j = first_mismatch(body, src)
            problems.append("%s: excerpt of %s differs from it; its line %d"
                            " is not there: %r" % (where, what, j + 1,
                                                    body[j]))
    return checked, problems


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--root":
        root, args = os.path.abspath(args[1]), args[2:]
    files = args or sorted(
        glob.glob(os.path.join(root, "chapters", "README.md")) +
        glob.glob(os.path.join(root, "chapters", "*", "README.md")))
    total, problems = 0, []
    for md in files:
        n, p = check_file(root, md)
        total += n
        problems += p
    for p in problems:
        print(p)
    if problems:
        print("%d excerpt(s) differ from the code they quote" % len(problems))
        return 1
    print("%d excerpts checked in %d files: all match" % (total, len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
