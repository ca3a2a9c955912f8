#!/usr/bin/env bats
# The tutorial (chapters/): every chapter builds with -Werror and passes
# its tests, which include the earlier chapters' tests of the features it
# still has; the code quoted in the chapters' prose is the code.
#
# Under make sanitize (WSPUSH_BUILD=build/asan) the chapters are built the
# same way, into build/asan in each chapter's folder. Under make valgrind
# (WSPUSH_WRAP) each chapter's program runs under valgrind: chapter 08's
# with WSPUSH_WRAP itself, leak check included, since it exits cleanly on
# SIGTERM; 01-07's with memory errors only, since they have no shutdown
# and are killed with their clients' memory still in use (by design: see
# the top of their main.c).

load lib/helpers

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# chapter NN-name: make -C chapters/NN-name check, with -Werror.
chapter() {
    local flags=()
    if [ "${WSPUSH_BUILD:-build}" = build/asan ]; then
        flags=(B=build/asan CFLAGS="-O1 -g $SAN" LDFLAGS="$SAN")
    fi
    # The chapter's own bats starts afresh: without this one's BATS_
    # variables, and from the bats on PATH, not bats-core's libexec.
    local unset=() path
    mapfile -t unset < <(compgen -e | sed -n 's/^BATS_.*/-u&/p')
    path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v bats-core | paste -sd:)
    local wrap="$WRAP"
    if [ -n "$wrap" ] && [ "$1" != 08-hardening ]; then
        wrap="valgrind -q --leak-check=no --error-exitcode=99"
    fi
    PROG_WRAP="$wrap" PATH="$path" run env "${unset[@]}" \
        make -C "$TOP/chapters/$1" WERROR=-Werror "${flags[@]}" check
    echo "$output"
    [ "$status" -eq 0 ]
    # Every test of the chapter ran and passed (bats prints "1..N").
    echo "$output" | grep -q '^1\.\.[1-9]'
    ! echo "$output" | grep -q '^not ok' || false
}

@test "chapters: 01-echo builds with -Werror and passes its tests" {
    chapter 01-echo
}

@test "chapters: 02-sha1 builds with -Werror and passes its tests" {
    chapter 02-sha1
}

@test "chapters: 03-base64 builds with -Werror and passes its tests" {
    chapter 03-base64
}

@test "chapters: 04-handshake builds with -Werror and passes its tests" {
    chapter 04-handshake
}

@test "chapters: 05-frames builds with -Werror and passes 04's and its tests" {
    chapter 05-frames
}

@test "chapters: 06-uidmap builds with -Werror and passes 04-05's and its tests" {
    chapter 06-uidmap
}

@test "chapters: 07-push builds with -Werror and passes 04-06's and its tests" {
    chapter 07-push
}

@test "chapters: 08-hardening builds with -Werror and passes 04-07's and its tests" {
    chapter 08-hardening
}

@test "chapters: every chapter folder is one of the tests above" {
    run ls -d "$TOP"/chapters/[0-9][0-9]-*/
    [ "$status" -eq 0 ]
    local d name
    for d in "${lines[@]}"; do
        name=$(basename "$d")
        grep -q "^    chapter $name\$" "$BATS_TEST_FILENAME" ||
            { echo "chapters/$name has no test in chapters.bats"; false; }
    done
}

@test "chapters: the code quoted in the chapters is the code" {
    run "$PY" "$TOP/tests/excerpts.py"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" | grep -q 'all match'
}

# A copy of what the checker reads, to break on purpose.
copy_tree() {
    COPY="$BATS_TEST_TMPDIR/top"
    mkdir -p "$COPY"
    (cd "$TOP" && tar cf - --exclude=build src chapters) | (cd "$COPY" && tar xf -)
}

@test "chapters: the excerpt checker fails when a quoted line is edited" {
    copy_tree
    cat > "$COPY/chapters/README.md" <<'EOF'
# Test

<!-- from: src/loop.c -->
```c
int ev_add(ev_loop *loop, int fd, int mask, ev_proc *proc, void *data)
{
    ev_file *f;
```
EOF
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY"
    echo "$output"
    [ "$status" -eq 0 ]
    # One character changed in the quote: the checker names the block.
    sed -i 's/ev_file \*f;/ev_file *g;/' "$COPY/chapters/README.md"
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -q '^chapters/README.md:4: excerpt of src/loop.c differs'
    echo "$output" | grep -q 'ev_file \*g;'
    # And the same when the code changes under an unchanged quote.
    sed -i 's/ev_file \*g;/ev_file *f;/' "$COPY/chapters/README.md"
    sed -i 's/^    ev_file \*f;$/    ev_file *file;/' "$COPY/src/loop.c"
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY"
    [ "$status" -eq 1 ]
}

@test "chapters: the excerpt checker fails on a real chapter's edited excerpt" {
    copy_tree
    local md
    md=$(grep -l '^<!-- from: ' "$COPY"/chapters/*/README.md | head -1)
    [ -n "$md" ]
    # Break the first line of the first quoted block of that chapter.
    awk 'q == 1 && /^```/ { q = 2; print; next }
         q == 2 { print $0 " /* edited */"; q = 3; next }
         /^<!-- from: / && q == 0 { q = 1 }
         { print }' "$md" > "$md.new"
    mv "$md.new" "$md"
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -q "^${md#"$COPY"/}:[0-9]*: excerpt of .* differs"
}

@test "chapters: pasted C is refused, and a diff excerpt is checked" {
    copy_tree
    cat > "$COPY/chapters/README.md" <<'EOF'
# Test

```c
int pasted(void);
```

<!-- diff: chapters/01-echo/main.c chapters/02-sha1/main.c -->
```diff
+#include "sha1.h"
```
EOF
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY" "$COPY/chapters/README.md"
    echo "$output"
    [ "$status" -eq 1 ]
    echo "$output" | grep -q 'README.md:3: a ```c block must be preceded by'
    ! echo "$output" | grep -q 'README.md:8:' || false
    sed -i 's/+#include "sha1.h"/+#include "sha2.h"/' "$COPY/chapters/README.md"
    run "$PY" "$TOP/tests/excerpts.py" --root "$COPY" "$COPY/chapters/README.md"
    echo "$output" | grep -q 'README.md:8: excerpt of diff -u .* differs'
}
