/* check.h -- the few macros the C unit tests share.
 *
 * A unit test program runs named groups of checks: `test_x GROUP` runs one
 * group (that is what each bats test does), `test_x` alone runs them all.
 * A failed CHECK prints the file, line and expression, and the program
 * exits 1 after the group, so bats shows which assertion broke. */
#ifndef WSPUSH_CHECK_H
#define WSPUSH_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        check_failures++; \
    } \
} while (0)

/* CHECK_EQ_INT: compare two integers and show both on failure. */
#define CHECK_EQ_INT(a, b) do { \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
    if (check_a_ != check_b_) { \
        fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", \
                __FILE__, __LINE__, #a, #b, check_a_, check_b_); \
        check_failures++; \
    } \
} while (0)

/* CHECK_MEM: compare n bytes. */
#define CHECK_MEM(a, b, n) do { \
    if (memcmp((a), (b), (n)) != 0) { \
        fprintf(stderr, "%s:%d: check failed: %s equals %s (%u bytes)\n", \
                __FILE__, __LINE__, #a, #b, (unsigned)(n)); \
        check_failures++; \
    } \
} while (0)

typedef struct check_group {
    const char *name;
    void (*run)(void);
} check_group;

/* Run the group named argv[1], or every group; exit status 0 only if every
 * check passed. An unknown group name is an error, so a typo in a bats file
 * cannot pass by running nothing. */
static int check_main(int argc, char **argv, const check_group *groups)
{
    const check_group *g;
    int ran = 0;

    for (g = groups; g->name; g++) {
        if (argc > 1 && strcmp(argv[1], g->name) != 0) continue;
        g->run();
        ran++;
    }
    if (ran == 0) {
        fprintf(stderr, "%s: no test group named '%s'\n", argv[0],
                argc > 1 ? argv[1] : "");
        return 2;
    }
    if (check_failures) {
        fprintf(stderr, "%d check(s) failed\n", check_failures);
        return 1;
    }
    return 0;
}

#endif
