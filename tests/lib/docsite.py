"""docsite.py -- read the HTML site `make docs` builds, for tests/docs.bats.

    docsite.py pages HTML_DIR     the pages of the navigation tree, in order:
                                  one "TITLE<TAB>FILE" line each
    docsite.py links HTML_DIR     every link and image of every page must
                                  reach a file inside HTML_DIR (and the
                                  anchor in it, if any); prints the broken
                                  ones and exits 1 if there are any
    docsite.py title MD_FILE      a Markdown file's page title as the
                                  navigation tree shows it
    docsite.py filepage HEADER    the name of a header's page (frame.h ->
                                  frame_8h.html)
    docsite.py spans HTML_DIR     every inline code span of the Markdown
                                  pages rendered as code: prints any text
                                  outside code that still holds a backquote
                                  (Doxygen reads `text' as quotes) and
                                  exits 1 if there is any
"""
import html
import html.parser
import os
import re
import sys


def plain(s):
    """Markup removed, entities decoded, spaces squeezed."""
    s = re.sub(r"<[^>]*>", "", s)
    return " ".join(html.unescape(s).split())


def pages(html_dir):
    """(title, file) of each top-level entry of the navigation tree."""
    with open(os.path.join(html_dir, "navtreedata.js"), encoding="utf-8") as f:
        text = f.read()
    out = []
    # The top level is indented by four spaces: [ "Title", "file.html", ...
    for m in re.finditer(r'^    \[ "((?:[^"\\]|\\.)*)", "([^"]*)"', text, re.M):
        out.append((plain(m.group(1).replace('\\"', '"')), m.group(2)))
    return out


def md_title(path):
    """The first level-one heading, as Doxygen shows it in the tree."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# "):
                return plain(line[2:].replace("`", ""))
    return ""


def header_page(name):
    """Doxygen's file name for a source file's page."""
    return name.replace("_", "__").replace(".", "_8") + ".html"


class Refs(html.parser.HTMLParser):
    """Collects the links and image sources of a page, and its anchors."""

    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.refs.append((tag, a[key]))


def links(html_dir):
    """The broken links of the site: (page, target, why)."""
    root = os.path.realpath(html_dir)
    parsed = {}

    def parse(path):
        if path not in parsed:
            p = Refs()
            with open(path, encoding="utf-8", errors="replace") as f:
                p.feed(f.read())
            parsed[path] = p
        return parsed[path]

    broken = []
    for name in sorted(os.listdir(root)):
        if not name.endswith(".html"):
            continue
        page = os.path.join(root, name)
        for tag, ref in parse(page).refs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
                continue  # http:, https:, mailto:, javascript:
            path, _, anchor = ref.partition("#")
            path = path.split("?")[0]
            target = os.path.realpath(os.path.join(root, path)) if path else page
            if os.path.commonpath([root, target]) != root:
                broken.append((name, ref, "leaves the site"))
            elif not os.path.isfile(target):
                broken.append((name, ref, "no such file"))
            elif anchor and target.endswith(".html") and anchor not in parse(target).ids:
                broken.append((name, ref, "no such anchor"))
    return broken


def stray_backquotes(html_dir):
    """(page, context) for each backquote left in the prose of a page made
    from Markdown (the main page and md_*.html)."""
    out = []
    for name in sorted(os.listdir(html_dir)):
        if not (name == "index.html" or
                (name.startswith("md_") and name.endswith(".html"))):
            continue
        with open(os.path.join(html_dir, name), encoding="utf-8") as f:
            text = f.read()
        start = text.find('<div class="contents">')
        text = text[start:] if start >= 0 else text
        text = re.sub(r'<div class="fragment">.*?</div><!-- fragment -->',
                      "", text, flags=re.S)
        text = re.sub(r"<code>.*?</code>", "", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
        for m in re.finditer(r"[`\u2018\u2019]", text):
            out.append((name, " ".join(text[max(0, m.start() - 40):m.end() + 40].split())))
    return out


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    cmd, arg = argv[1], argv[2]
    if cmd == "pages":
        for title, f in pages(arg):
            print(title + "\t" + f)
    elif cmd == "links":
        broken = links(arg)
        for page, ref, why in broken:
            print("%s: %s: %s" % (page, ref, why))
        sys.exit(1 if broken else 0)
    elif cmd == "title":
        print(md_title(arg))
    elif cmd == "spans":
        stray = stray_backquotes(arg)
        for page, context in stray:
            print("%s: %s" % (page, context))
        sys.exit(1 if stray else 0)
    elif cmd == "filepage":
        print(header_page(os.path.basename(arg)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
