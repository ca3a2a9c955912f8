/* fuzz.h -- what the fuzz targets share.
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput(), the entry
 * point libFuzzer calls with each input it makes up. It runs one parser
 * on the input and checks what the parser's contract promises (FUZZ_CHECK),
 * often against a second, simpler way of computing the same answer.
 *
 * The same file is linked two ways: with libFuzzer (clang
 * -fsanitize=fuzzer, `make fuzz`), which searches for inputs that crash or
 * break a check; and with replay.c (any compiler, `make unit`), which runs
 * it on the committed corpus in tests/fuzz/corpus/NAME/, so every input
 * that once found a bug stays a regression test in `make test`, under
 * ASan and under valgrind. */
#ifndef WSPUSH_FUZZ_H
#define WSPUSH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Called once per input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: print it and abort, which libFuzzer reports as a
 * crash (saving the input) and replay as a failure. */
#define FUZZ_CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                #cond); \
        abort(); \
    } \
} while (0)

/* A copy of n bytes in a block of exactly that size (never NULL), so the
 * sanitizers catch a read past the end; free() it. */
static inline uint8_t *fuzz_copy(const void *p, size_t n)
{
    uint8_t *c = malloc(n > 0 ? n : 1);

    FUZZ_CHECK(c != NULL);
    if (n > 0) memcpy(c, p, n);
    else c[0] = 0;                  /* never read, but initialised */
    return c;
}

/* A small generator (xorshift32) for choices made from the input's own
 * bytes, so a run is reproducible from its input alone. */
static inline uint32_t fuzz_next(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9E3779B9u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

#endif
