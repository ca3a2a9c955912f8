#!/bin/sh
# chapter-nav.sh -- Doxygen input filter for the tutorial's pages:
# chapters/README.md (the contents) and chapters/NN-*/README.md.
#
# Prints the page, then a last line of links, so the site reads
# front to back like the book: a chapter links the previous chapter, the
# contents and the next chapter; the contents link the first chapter. The
# chapters are the folders named NN-*, in the order of their numbers; the
# link text is each one's first "# " heading. Relative .md links are what
# Doxygen turns into links between pages.
set -eu

file=$1
dir=$(cd "$(dirname "$file")" && pwd)
here=$(basename "$dir")
top=$(dirname "$dir")

# The chapter's title: its first level-one heading, else its folder name.
# Backquotes are dropped: Doxygen shows a title and a link's text as
# plain text, where they would stay as backquotes or <tt> tags.
title() {
    t=$(sed -n 's/^# //p' "$1/README.md" | head -n 1 | tr -d '`')
    [ -n "$t" ] && printf '%s\n' "$t" || basename "$1"
}

# The page itself, its title without backquotes (see title()).
page() {
    awk '!done && /^# / { gsub(/`/, ""); done = 1 } { print }' "$1"
}

# The contents page: a link to the first chapter.
if [ "$here" = chapters ]; then
    page "$file"
    for d in "$dir"/[0-9][0-9]-*/; do
        d=${d%/}
        [ -f "$d/README.md" ] || continue
        printf '\n<hr>\n\nStart: [%s](%s/README.md)\n' "$(title "$d")" "$(basename "$d")"
        break
    done
    exit 0
fi

prev="" next="" seen=0
for d in "$top"/[0-9][0-9]-*/; do
    d=${d%/}
    [ -f "$d/README.md" ] || continue
    if [ "$seen" -eq 1 ]; then next=$d; break; fi
    if [ "$(basename "$d")" = "$here" ]; then seen=1; else prev=$d; fi
done

page "$file"
printf '\n<hr>\n\n'
if [ -n "$prev" ]; then
    printf 'Previous: [%s](../%s/README.md) · ' "$(title "$prev")" "$(basename "$prev")"
fi
printf '[The tutorial](../README.md)'
if [ -n "$next" ]; then
    printf ' · Next: [%s](../%s/README.md)' "$(title "$next")" "$(basename "$next")"
fi
printf '\n'
