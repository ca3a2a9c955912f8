#!/bin/sh
# check.sh -- fail on anything that would tie wspush to Linux (or glibc).
#
#   tests/portable/check.sh SRC_DIR OBJ_DIR
#
# Two independent checks, so that one's blind spot is the other's catch:
#
# 1. Source: no Linux-only interface is named in SRC_DIR/*.[ch] outside a
#    comment or a string, unless the code is inside an #if branch whose
#    condition names that same identifier (e.g. MSG_NOSIGNAL under
#    "#ifdef MSG_NOSIGNAL", which compiles away where it does not exist).
#    A test of a system macro (__linux__, __APPLE__, __FreeBSD__, ...) must
#    have an #else, so the code still has a way on every other system.
# 2. Objects: every symbol OBJ_DIR/*.o needs from outside the objects
#    themselves must be in posix.txt (C99 and POSIX.1-2008), so a call to a
#    new non-POSIX function fails even if no list of bad names knows it.
#
# Prints each offence as FILE:LINE: ... and exits 1 if there is any.
set -eu

src=${1:?usage: check.sh SRC_DIR OBJ_DIR}
obj=${2:?usage: check.sh SRC_DIR OBJ_DIR}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

# Linux-only (or BSD-only) names: system calls, flags and socket options
# with no POSIX equivalent. Each has a portable way, used in src/ instead:
# select() for epoll, accept() + fcntl() for accept4 and SOCK_NONBLOCK,
# ignoring SIGPIPE for MSG_NOSIGNAL (see docs/PORTABILITY.md).
deny='epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait accept4
SOCK_NONBLOCK SOCK_CLOEXEC MSG_NOSIGNAL MSG_MORE signalfd eventfd
timerfd_create timerfd_settime inotify_init inotify_init1 inotify_add_watch
pipe2 dup3 sendfile splice vmsplice TCP_CORK TCP_NOPUSH TCP_DEFER_ACCEPT
TCP_QUICKACK SO_REUSEPORT SO_NOSIGPIPE O_DIRECT kqueue kevent getrandom
prctl memfd_create sched_setaffinity'

# The source check, one file at a time: strip comments (the preprocessor
# does it, keeping directives and without expanding anything) and string
# and character literals, then walk the lines keeping a stack of #if
# conditions. -fpreprocessed is gcc's (CPP_STRIP names another gcc).
for f in "$src"/*.c "$src"/*.h; do
    if ! ${CPP_STRIP:-gcc} -fpreprocessed -dD -E "$f" >"$tmp/nocomments" ||
       [ ! -s "$tmp/nocomments" ]; then
        echo "$f: cannot strip its comments with ${CPP_STRIP:-gcc}"
        bad=1
        continue
    fi
    sed -e 's/"\([^"\\]\|\\.\)*"/""/g' -e "s/'\\([^'\\\\]\\|\\\\.\\)*'/''/g" \
        "$tmp/nocomments" >"$tmp/stripped"
    awk -v deny="$deny" -v file="$f" '
    BEGIN {
        n = split(deny, w, /[ \n]+/)
        for (i = 1; i <= n; i++) if (w[i] != "") denied[w[i]] = 1
        sysmac = "^(__linux__|__linux|linux|__gnu_linux__|__APPLE__|__MACH__|__FreeBSD__|__OpenBSD__|__NetBSD__|__DragonFly__|__sun|__GLIBC__|__BIONIC__)$"
        depth = 0
        line = 0
    }
    # The preprocessor keeps every line (a comment becomes blanks) and
    # starts with a marker "# 1 FILE": count lines from it.
    /^# [0-9]+ "/ { line = $2 - 1; next }
    { line++ }
    function words(s, out,    k, m, t) {
        delete out
        m = 0
        while (match(s, /[A-Za-z_][A-Za-z_0-9]*/)) {
            t = substr(s, RSTART, RLENGTH)
            out[++m] = t
            s = substr(s, RSTART + RLENGTH)
        }
        return m
    }
    function guarded(name,    k) {
        for (k = 1; k <= depth; k++)
            if (!inelse[k] && index(" " cond[k] " ", " " name " ")) return 1
        return 0
    }
    /^[ \t]*#[ \t]*if/ {
        depth++
        m = words($0, ws)
        cond[depth] = ""
        sys[depth] = ""
        for (k = 2; k <= m; k++) {
            cond[depth] = cond[depth] " " ws[k]
            if (ws[k] ~ sysmac) sys[depth] = ws[k]
        }
        inelse[depth] = 0
        haselse[depth] = 0
        ifline[depth] = line
        next
    }
    /^[ \t]*#[ \t]*(else|elif)/ {
        if (depth > 0) { inelse[depth] = 1; haselse[depth] = 1 }
        next
    }
    /^[ \t]*#[ \t]*endif/ {
        if (depth > 0) {
            if (sys[depth] != "" && !haselse[depth])
                printf "%s:%d: #if on %s without an #else: other systems get nothing\n", file, ifline[depth], sys[depth]
            depth--
        }
        next
    }
    /^[ \t]*#[ \t]*(include|pragma|error|warning|undef|line)/ { next }
    {
        m = words($0, ws)
        for (k = 1; k <= m; k++)
            if ((ws[k] in denied) && !guarded(ws[k]))
                printf "%s:%d: %s is Linux- or BSD-only: use the portable way (docs/PORTABILITY.md), or put it under #ifdef %s with an #else\n", file, line, ws[k], ws[k]
    }
    ' "$tmp/stripped" >"$tmp/found"
    if [ -s "$tmp/found" ]; then
        cat "$tmp/found"
        bad=1
    fi
done

# The object check.
set -- "$obj"/*.o
[ -e "$1" ] || { echo "check.sh: no objects in $obj (build first)"; exit 1; }
grep -v '^[[:space:]]*\(#\|$\)' "$here/posix.txt" | sed 's/#.*//' |
    tr -s ' \t' '\n\n' | sed '/^$/d' | sort -u >"$tmp/allowed"
nm -P --defined-only "$@" 2>/dev/null | awk 'NF >= 2 && $2 != "U" { print $1 }' |
    sort -u >"$tmp/defined"
for o in "$@"; do
    nm -P -u "$o" | awk '{ print $1 }' | sort -u |
        comm -23 - "$tmp/defined" | comm -23 - "$tmp/allowed" |
        while IFS= read -r sym; do
            printf '%s: calls %s, which is not in C99 or POSIX.1-2008 (tests/portable/posix.txt)\n' "$o" "$sym"
        done
done >"$tmp/calls"
if [ -s "$tmp/calls" ]; then
    cat "$tmp/calls"
    bad=1
fi

[ "$bad" -eq 0 ] && echo "check.sh: $src uses C99 and POSIX.1-2008 only ($(wc -l <"$tmp/allowed") names allowed)"
exit "$bad"
