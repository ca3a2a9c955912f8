# chapter.mk -- the rules every chapter's Makefile includes.
#
# A chapter's Makefile says only what is its own:
#
#   PROG    = echo                     # the program it builds
#   MODULES = loop net                 # the src/ modules it links
#   TESTS   = tests ../01-echo/tests   # bats files or folders that must pass
#   include ../chapter.mk
#
# The modules are compiled from src/ itself, never copied, so a fix there
# reaches every chapter. TESTS names this chapter's tests and those of the
# earlier chapters whose features this stage still has; each test finds the
# program to run in $PROG_BIN, so an earlier chapter's test runs against a
# later chapter's program. TEST_ARGS are the addresses the tests start it
# on (port 0: any free port); a chapter with two ports sets two.
#
#   make            build build/$(PROG)
#   make run        build and start it
#   make check      build and run TESTS
#   make clean

TOP      := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
SRC       = $(TOP)/src
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARN      = -std=c99 -Wall -Wextra -Wpedantic $(WERROR)
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -I$(SRC)
B         = build
MOD_SRC   = $(MODULES:%=$(SRC)/%.c)
MOD_HDR   = $(wildcard $(MODULES:%=$(SRC)/%.h))
TEST_ARGS ?= 127.0.0.1:0

.PHONY: all run check clean

all: $(B)/$(PROG)

$(B)/$(PROG): main.c $(MOD_SRC) $(MOD_HDR) | $(B)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ main.c $(MOD_SRC)

$(B):
	mkdir -p $@

run: $(B)/$(PROG)
	./$(B)/$(PROG) $(RUN_FLAGS)

check: $(B)/$(PROG)
	PROG_BIN="$(CURDIR)/$(B)/$(PROG)" PROG_ARGS="$(TEST_ARGS)" \
	    TOP="$(TOP)" bats $(TESTS)

clean:
	rm -rf $(B)
