# wspush -- a WebSocket push server in portable C.
#
#   make          build build/wspush
#   make run      build and start the server on the default ports
#   make test     build everything and run every test (bats)
#   make fuzz     run each libFuzzer target for FUZZ_TIME seconds (clang)
#   make docs     the documentation site: build/docs/html/index.html
#   make install  install the program and its man page (PREFIX, DESTDIR)
#
# Variables: CC, CFLAGS, LDFLAGS as usual; WERROR= to build without -Werror;
# PREFIX (default /usr/local), BINDIR, MAN1DIR and DESTDIR for install.

CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARN      = -std=c99 -Wall -Wextra -Wpedantic $(WERROR)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Isrc
B         = build
RUN_FLAGS ?= --verbose --web web
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MAN1DIR  ?= $(PREFIX)/share/man/man1
INSTALL  ?= install

LIB_SRC   = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ   = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
HEADERS   = $(wildcard src/*.h)
UNIT      = $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/test_*.c))
TOOLS     = $(patsubst tests/tools/%.c,$(B)/%,$(wildcard tests/tools/*.c))
FUZZ      = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY    = $(FUZZ:%=$(B)/fuzz_%)
BENCH     = $(B)/wsbench $(B)/wsfloor

.PHONY: all run test unit sanitize valgrind portable fuzz docs bench install uninstall clean

all: $(B)/wspush

$(B)/obj/%.o: src/%.c $(HEADERS) | $(B)/obj
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(B)/libwspush.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/wspush: $(B)/obj/main.o $(B)/libwspush.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/obj/main.o $(B)/libwspush.a

$(B)/test_%: tests/unit/test_%.c tests/unit/check.h $(B)/libwspush.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libwspush.a

$(B)/%: tests/tools/%.c $(B)/libwspush.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libwspush.a

# A fuzz target linked with replay.c instead of libFuzzer: runs the saved
# inputs given as arguments (tests/fuzz.bats gives it the corpus).
$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(B)/libwspush.a
	$(CC) $(CPPFLAGS) -Itests/fuzz $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libwspush.a

# The same target linked with libFuzzer (make fuzz builds these).
$(B)/fuzzer_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libwspush.a
	$(CC) $(CPPFLAGS) -Itests/fuzz $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libwspush.a

$(B)/wsbench: tests/bench/wsbench.c $(B)/libwspush.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libwspush.a

$(B)/wsfloor: tests/bench/floor.c $(B)/libwspush.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libwspush.a

$(B)/obj:
	mkdir -p $@

unit: $(UNIT) $(TOOLS) $(REPLAY) $(BENCH)

run: $(B)/wspush
	$(B)/wspush $(RUN_FLAGS)

test: all unit
	tests/deps.sh
	tests/run.sh

# The whole suite again against an AddressSanitizer + UBSan build, which
# aborts on the first error; the bats helper fails any test whose server
# died or printed a sanitizer report.
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
sanitize:
	$(MAKE) B=build/asan CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all unit
	tests/deps.sh
	WSPUSH_BUILD=build/asan tests/run.sh

# The unit tests and the server tests again under valgrind: any invalid
# access or leak makes the program exit 99 (any status but 0 fails its
# test; 99 tells valgrind's verdict apart from the program's own 1 and 2).
# Valgrind runs the server ~20 times slower: the abuse tests scale their
# loads by WSPUSH_ABUSE_SCALE and print the scale they used.
VALGRIND = valgrind -q --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all --error-exitcode=99
valgrind: all unit
	@command -v valgrind >/dev/null || { echo "make valgrind needs valgrind (apt-get install valgrind)"; exit 1; }
	tests/deps.sh
	WSPUSH_WRAP="$(VALGRIND)" WSPUSH_ABUSE_SCALE=0.3 tests/run.sh

# Every other compiler CI has (clang, musl-gcc, gcc -m32, tcc), each into
# its own build/NAME with -Werror, its unit tests and the suite against its
# server; and the check that src/ calls nothing Linux-only or non-POSIX.
# tests/portable/run.sh says what runs for which.
portable: all unit
	tests/deps.sh
	tests/portable/run.sh

# Coverage-guided fuzzing: every module rebuilt by clang with libFuzzer's
# instrumentation and ASan+UBSan, then each target run for FUZZ_TIME
# seconds from its corpus (tests/fuzz/run.sh prints the executions).
FUZZ_TIME ?= 60
FUZZ_CC   ?= clang
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	tests/deps.sh fuzz
	$(MAKE) B=build/fuzz CC="$(FUZZ_CC)" \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    LDFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer" $(FUZZ:%=build/fuzz/fuzzer_%)
	tests/fuzz/run.sh build/fuzz $(FUZZ_TIME) $(FUZZ)

# The documentation site (docs/Doxyfile): README as the main page, docs/,
# the tutorial's chapters in order, the API from the headers. Any doxygen
# warning fails it, counted by doxygen or not: the log must stay empty.
DOCS     ?= build/docs
CHAPTERS  = $(sort $(wildcard chapters/[0-9][0-9]-*/README.md))
docs:
	@command -v doxygen >/dev/null && command -v dot >/dev/null || \
		{ echo "make docs needs doxygen and graphviz (apt-get install doxygen graphviz)"; exit 1; }
	rm -rf $(DOCS)
	mkdir -p $(DOCS)
	WSPUSH_DOCS="$(DOCS)" WSPUSH_CHAPTERS="$(CHAPTERS)" doxygen docs/Doxyfile || \
		{ cat $(DOCS)/warnings.log; echo "make docs: doxygen failed"; exit 1; }
	@if [ -s $(DOCS)/warnings.log ]; then cat $(DOCS)/warnings.log; \
		echo "make docs: doxygen warned (above)"; exit 1; fi
	@echo "make docs: $(DOCS)/html/index.html"

# DESTDIR stages the files under another root (for packages and tests).
install: $(B)/wspush
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR)
	$(INSTALL) -m 755 $(B)/wspush $(DESTDIR)$(BINDIR)/wspush
	$(INSTALL) -m 644 docs/wspush.1 $(DESTDIR)$(MAN1DIR)/wspush.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wspush $(DESTDIR)$(MAN1DIR)/wspush.1

# Not a test: wspush side by side with the `ws` peer and the floor
# (docs/PERFORMANCE.md). Prints a table, writes build/bench.json and
# build/bench.svg; installs the peer's npm package into build/npm.
bench: all $(BENCH)
	tests/bench/run.sh $(B)

clean:
	rm -rf $(B) build chapters/*/build
