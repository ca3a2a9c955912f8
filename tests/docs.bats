#!/usr/bin/env bats
# The documentation site: `make docs` builds it from the README, docs/,
# the tutorial's chapters and the headers without one doxygen warning, and
# a reader can walk it: every page is there, in order, and every link lands.

load lib/helpers

SITE=docsite.py

setup_file() {
    export DOCS="$BATS_FILE_TMPDIR/docs"
    export HTML="$DOCS/html"
    make -C "$TOP" --no-print-directory docs DOCS="$DOCS" \
        >"$BATS_FILE_TMPDIR/make.out" 2>&1
    echo $? >"$BATS_FILE_TMPDIR/make.status"
}

site() {
    "$PY" "$TOP/tests/lib/$SITE" "$@"
}

# The HTML file of the page titled like the Markdown file $1.
page_of() {
    local title
    title=$(site title "$1")
    site pages "$HTML" | awk -F '\t' -v t="$title" '$1 == t { print $2; exit }'
}

@test "make docs succeeds with no doxygen warnings" {
    cat "$BATS_FILE_TMPDIR/make.out"
    [ "$(cat "$BATS_FILE_TMPDIR/make.status")" -eq 0 ]
    [ -f "$DOCS/warnings.log" ]
    [ ! -s "$DOCS/warnings.log" ]
    # Doxygen's own lines read "FILE:LINE: warning: ..." (or error:); the
    # recipe make echoes names warnings.log, which is not one of them.
    ! grep -Eiq '(warning|error):' "$BATS_FILE_TMPDIR/make.out" || false
    [ -f "$HTML/index.html" ]
}

@test "make docs fails on a doxygen warning" {
    # A copy of the inputs plus one header with an undocumented function.
    local w="$BATS_TEST_TMPDIR/w"
    mkdir -p "$w"
    cp -R "$TOP/Makefile" "$TOP/README.md" "$TOP/docs" "$TOP/src" "$TOP/chapters" "$w/"
    rm -rf "$w"/chapters/*/build
    printf '/** @file oops.h\n * @brief A header.\n */\nint oops(int x);\n' >"$w/src/oops.h"
    run make -C "$w" --no-print-directory docs
    echo "$output"
    [ "$status" -ne 0 ]
    [[ "$output" == *"oops"*"not documented"* ]]
}

@test "the main page is README.md" {
    # Each of the README's sections is on the main page.
    local n=0 h
    while IFS= read -r h; do
        grep -qF ">$h<" "$HTML/index.html" || { echo "missing section: $h"; return 1; }
        n=$((n + 1))
    done < <(sed -n 's/^## //p' "$TOP/README.md")
    [ "$n" -gt 0 ]
}

@test "every docs/*.md is a page, linked from the README where it links" {
    local md f
    for md in "$TOP"/docs/*.md; do
        f=$(page_of "$md")
        echo "$md -> ${f:-no page}"
        [ -n "$f" ]
        [ -f "$HTML/$f" ]
    done
    # README.md links docs/PROTOCOL.md: the main page links its page.
    f=$(page_of "$TOP/docs/PROTOCOL.md")
    grep -q "href=\"$f\"" "$HTML/index.html"
}

@test "the tutorial's chapters are pages, in order, after its contents" {
    local want=() got md
    want+=("$(site title "$TOP/chapters/README.md")")
    for md in "$TOP"/chapters/[0-9][0-9]-*/README.md; do
        want+=("$(site title "$md")")
    done
    got=$(site pages "$HTML" | cut -f 1)
    echo "pages in the site:"
    echo "$got"
    # The wanted titles appear as consecutive entries of the tree.
    printf '%s\n' "${want[@]}" >"$BATS_TEST_TMPDIR/want"
    echo "$got" | grep -Fx -A $((${#want[@]} - 1)) "${want[0]}" | head -n ${#want[@]} \
        >"$BATS_TEST_TMPDIR/got"
    diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "the contents link the first chapter; each chapter its neighbours" {
    local chapters=("$TOP"/chapters/[0-9][0-9]-*/README.md) i f prev next
    [ -f "${chapters[1]}" ] # two chapters at least
    f=$(page_of "$TOP/chapters/README.md")
    next=$(page_of "${chapters[0]}")
    grep -q "Start: <a class=\"el\" href=\"$next\"" "$HTML/$f"
    for i in "${!chapters[@]}"; do
        f=$(page_of "${chapters[$i]}")
        [ -n "$f" ]
        [ -f "$HTML/$f" ]
        if [ "$i" -gt 0 ]; then
            prev=$(page_of "${chapters[$((i - 1))]}")
            grep -q "Previous: <a class=\"el\" href=\"$prev\"" "$HTML/$f" ||
                { echo "$f does not link back to $prev"; return 1; }
        fi
        if [ "$i" -lt $((${#chapters[@]} - 1)) ]; then
            next=$(page_of "${chapters[$((i + 1))]}")
            grep -q "Next: <a class=\"el\" href=\"$next\"" "$HTML/$f" ||
                { echo "$f does not link on to $next"; return 1; }
        fi
    done
}

@test "every header has its page" {
    local h f
    for h in "$TOP"/src/*.h; do
        f=$(site filepage "$h")
        echo "$h -> $f"
        [ -f "$HTML/$f" ]
        grep -q "$(basename "$h") File Reference" "$HTML/$f"
    done
}

@test "every link and image of the site lands on a file of the site" {
    run site links "$HTML"
    echo "$output"
    [ "$status" -eq 0 ]
    # The check sees what a raw Markdown link would leave behind.
    cp -R "$HTML" "$BATS_TEST_TMPDIR/html"
    printf '<a href="../../docs/PROTOCOL.md">x</a>\n' >>"$BATS_TEST_TMPDIR/html/index.html"
    run site links "$BATS_TEST_TMPDIR/html"
    [ "$status" -eq 1 ]
    [[ "$output" == *"../../docs/PROTOCOL.md: leaves the site"* ]]
}

@test "code fences render as code blocks" {
    # Every fenced block of the Markdown pages comes out as a fragment.
    local md f fences frags
    for md in "$TOP"/README.md "$TOP"/docs/*.md "$TOP"/chapters/README.md "$TOP"/chapters/[0-9][0-9]-*/README.md; do
        [ -f "$md" ] || continue
        if [ "$md" = "$TOP/README.md" ]; then f=index.html; else f=$(page_of "$md"); fi
        fences=$(grep -cE '^ *```' "$md" || true)
        frags=$(grep -o '<div class="fragment">' "$HTML/$f" | wc -l)
        echo "$md: $((fences / 2)) fences, $frags fragments"
        [ "$frags" -eq $((fences / 2)) ]
    done
}

@test "inline code renders as code (no backquote left in the prose)" {
    # Doxygen reads `text' as typographic quotes: a code span holding a
    # quoted word needs double backquotes, or it breaks the rest of the
    # paragraph.
    run site spans "$HTML"
    echo "$output"
    [ "$status" -eq 0 ]
    # The check sees a span Doxygen did not render.
    cp -R "$HTML" "$BATS_TEST_TMPDIR/html"
    printf '<div class="contents"><p>&lsquo;ss -tn x&rsquo;`</p></div>\n' \
        >"$BATS_TEST_TMPDIR/html/md_planted.html"
    run site spans "$BATS_TEST_TMPDIR/html"
    [ "$status" -eq 1 ]
    [[ "$output" == *"md_planted.html"* ]]
}
