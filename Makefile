# wspush -- a WebSocket push server in portable C.
#
#   make          build build/wspush
#   make run      build and start the server on the default ports
#   make test     build everything and run every test (bats)
#
# Variables: CC, CFLAGS, LDFLAGS as usual; WERROR= to build without -Werror.

CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARN      = -std=c99 -Wall -Wextra -Wpedantic $(WERROR)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Isrc
B         = build
RUN_FLAGS ?= --verbose

LIB_SRC   = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ   = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
HEADERS   = $(wildcard src/*.h)
UNIT      = $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/test_*.c))
TOOLS     = $(patsubst tests/tools/%.c,$(B)/%,$(wildcard tests/tools/*.c))

.PHONY: all run test unit sanitize valgrind portable clean

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

$(B)/obj:
	mkdir -p $@

unit: $(UNIT) $(TOOLS)

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

clean:
	rm -rf $(B) build
