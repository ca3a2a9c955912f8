/* test_uidmap.c -- unit tests for the uid map (src/uidmap.c).
 *
 * Groups: basic, many_tabs, growth, bytes, random. Besides what each
 * group asserts, every list the tests look at is walked in full by
 * check_list(), so a broken prev/next/entry/count shows up wherever it
 * happens. */
#include "check.h"
#include "uidmap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A stand-in for the server's connection. */
typedef struct conn {
    int id;
    uidmap_link link;
} conn;

static void conn_init(conn *c, int id)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    c->link.owner = c;
}

/* Check that e's list is well formed and holds e->count links. */
static void check_list(const uidmap_entry *e)
{
    const uidmap_link *l, *prev = NULL;
    size_t n = 0;

    CHECK(e->head != NULL);
    CHECK(e->head == NULL || e->head->prev == NULL);
    for (l = e->head; l; prev = l, l = l->next) {
        CHECK(l->entry == e);
        CHECK(l->prev == prev);
        n++;
    }
    CHECK_EQ_INT(n, e->count);
    CHECK(e->uid[e->len] == '\0');
}

/* Whether link l is in e's list. */
static int in_list(const uidmap_entry *e, const uidmap_link *l)
{
    const uidmap_link *x;

    for (x = e->head; x; x = x->next)
        if (x == l) return 1;
    return 0;
}

/* Bind, find, count and unbind a couple of uids. */
static void basic(void)
{
    uidmap m = {0};                     /* zero is a valid empty map */
    conn a, b;
    uidmap_entry *e;

    conn_init(&a, 1);
    conn_init(&b, 2);
    CHECK(uidmap_find(&m, "uid1", 4) == NULL);
    uidmap_remove(&m, &a.link);         /* unbound: nothing happens */

    uidmap_init(&m);
    CHECK_EQ_INT(uidmap_add(&m, "uid1", 4, &a.link), 0);
    CHECK_EQ_INT(uidmap_add(&m, "uid2", 4, &b.link), 0);
    CHECK_EQ_INT(m.nuids, 2);
    CHECK_EQ_INT(m.nlinks, 2);

    e = uidmap_find(&m, "uid1", 4);
    CHECK(e != NULL);
    if (e) {
        check_list(e);
        CHECK_EQ_INT(e->count, 1);
        CHECK_EQ_INT(e->len, 4);
        CHECK(strcmp(e->uid, "uid1") == 0);
        CHECK(e->head == &a.link);
        CHECK(((conn *)e->head->owner)->id == 1);
    }
    CHECK(uidmap_find(&m, "uid", 3) == NULL);
    CHECK(uidmap_find(&m, "uid12", 5) == NULL);
    CHECK(uidmap_find(&m, "", 0) == NULL);

    CHECK_EQ_INT(uidmap_add(&m, "uid1", 4, &a.link), -1);  /* bound */
    CHECK_EQ_INT(m.nlinks, 2);

    uidmap_remove(&m, &a.link);
    CHECK(a.link.entry == NULL && a.link.prev == NULL && a.link.next == NULL);
    CHECK(uidmap_find(&m, "uid1", 4) == NULL);
    CHECK(uidmap_find(&m, "uid2", 4) != NULL);
    CHECK_EQ_INT(m.nuids, 1);
    CHECK_EQ_INT(m.nlinks, 1);
    uidmap_remove(&m, &a.link);         /* twice is harmless */
    CHECK_EQ_INT(m.nlinks, 1);

    CHECK_EQ_INT(uidmap_add(&m, "uid3", 4, &a.link), 0);   /* rebind */
    CHECK(uidmap_find(&m, "uid3", 4) != NULL);
    uidmap_remove(&m, &a.link);
    uidmap_remove(&m, &b.link);
    CHECK_EQ_INT(m.nuids, 0);
    CHECK_EQ_INT(m.nlinks, 0);
    uidmap_free(&m);
    CHECK(m.buckets == NULL && m.nbuckets == 0);
    uidmap_free(&m);                    /* freeing an empty map is fine */
}

/* The seed's flaw, fixed: tabs A, B and C bind uid1; A closes; B and C
 * are still found. Then the middle and the last go, in that order. */
static void many_tabs(void)
{
    uidmap m;
    conn tab[3];
    uidmap_entry *e;
    int i;

    uidmap_init(&m);
    for (i = 0; i < 3; i++) {
        conn_init(&tab[i], i);
        CHECK_EQ_INT(uidmap_add(&m, "uid1", 4, &tab[i].link), 0);
    }
    CHECK_EQ_INT(m.nuids, 1);
    CHECK_EQ_INT(m.nlinks, 3);
    e = uidmap_find(&m, "uid1", 4);
    CHECK(e != NULL);
    if (!e) return;
    check_list(e);
    CHECK_EQ_INT(e->count, 3);

    uidmap_remove(&m, &tab[0].link);   /* tab A closes */
    e = uidmap_find(&m, "uid1", 4);
    CHECK(e != NULL);                   /* the seed lost uid1 here */
    if (!e) return;
    check_list(e);
    CHECK_EQ_INT(e->count, 2);
    CHECK(!in_list(e, &tab[0].link));
    CHECK(in_list(e, &tab[1].link));
    CHECK(in_list(e, &tab[2].link));

    uidmap_remove(&m, &tab[1].link);
    e = uidmap_find(&m, "uid1", 4);
    CHECK(e != NULL && e->count == 1 && e->head == &tab[2].link);
    if (e) check_list(e);

    uidmap_remove(&m, &tab[2].link);
    CHECK(uidmap_find(&m, "uid1", 4) == NULL);
    CHECK_EQ_INT(m.nuids, 0);
    CHECK_EQ_INT(m.nlinks, 0);
    uidmap_free(&m);
}

/* The number of entries in the longest bucket chain. */
static size_t longest_chain(const uidmap *m)
{
    const uidmap_entry *e;
    size_t i, n, most = 0;

    for (i = 0; i < m->nbuckets; i++) {
        for (n = 0, e = m->buckets[i]; e; e = e->chain) n++;
        if (n > most) most = n;
    }
    return most;
}

#define GROWTH_N 10000

/* Ten thousand uids force several doublings; every one stays findable. */
static void growth(void)
{
    static conn c[GROWTH_N];
    uidmap m;
    char uid[32];
    int i, len, lost = 0;

    uidmap_init(&m);
    for (i = 0; i < GROWTH_N; i++) {
        conn_init(&c[i], i);
        len = sprintf(uid, "user-%d", i);
        CHECK_EQ_INT(uidmap_add(&m, uid, (size_t)len, &c[i].link), 0);
        CHECK(m.nuids <= m.nbuckets);
    }
    CHECK_EQ_INT(m.nuids, GROWTH_N);
    CHECK_EQ_INT(m.nlinks, GROWTH_N);
    CHECK((m.nbuckets & (m.nbuckets - 1)) == 0);   /* a power of 2 */

    for (i = 0; i < GROWTH_N; i++) {
        uidmap_entry *e;
        len = sprintf(uid, "user-%d", i);
        e = uidmap_find(&m, uid, (size_t)len);
        if (!e || e->head != &c[i].link || e->count != 1) lost++;
    }
    CHECK_EQ_INT(lost, 0);
    CHECK(longest_chain(&m) <= 12);     /* FNV-1a spreads them */

    for (i = 0; i < GROWTH_N; i++) uidmap_remove(&m, &c[i].link);
    CHECK_EQ_INT(m.nuids, 0);
    CHECK_EQ_INT(m.nlinks, 0);
    CHECK(uidmap_find(&m, "user-0", 6) == NULL);
    uidmap_free(&m);
}

/* Uids with the same FNV-1a hash share a bucket and are still told
 * apart, by length ("u" is a prefix of its twin) and by bytes. */
static void collisions(uidmap *m)
{
    static const char *const twins[][2] = {
        {"costarring", "liquid"},
        {"declinate", "macallums"},
        {"u", "u0.+^'"},
    };
    static conn c[3][2];
    int i, j;

    for (i = 0; i < 3; i++) {
        for (j = 0; j < 2; j++) {
            conn_init(&c[i][j], 10 * i + j);
            CHECK_EQ_INT(uidmap_add(m, twins[i][j], strlen(twins[i][j]),
                                    &c[i][j].link), 0);
        }
        CHECK(c[i][0].link.entry != c[i][1].link.entry);
        CHECK(c[i][0].link.entry->hash == c[i][1].link.entry->hash);
    }
    for (i = 0; i < 3; i++) {
        for (j = 0; j < 2; j++) {
            uidmap_entry *e = uidmap_find(m, twins[i][j], strlen(twins[i][j]));
            CHECK(e != NULL && e->head == &c[i][j].link && e->count == 1);
        }
        uidmap_remove(m, &c[i][0].link);
        CHECK(uidmap_find(m, twins[i][0], strlen(twins[i][0])) == NULL);
        CHECK(uidmap_find(m, twins[i][1], strlen(twins[i][1])) != NULL);
    }
}

/* Uids are bytes: NUL is an ordinary byte, the length is what counts,
 * and 1..UIDMAP_UID_MAX bytes is the range. */
static void bytes(void)
{
    uidmap m;
    conn a, b, c;
    char big[UIDMAP_UID_MAX + 1];
    uidmap_entry *e;

    uidmap_init(&m);
    conn_init(&a, 1);
    conn_init(&b, 2);
    conn_init(&c, 3);
    CHECK_EQ_INT(uidmap_add(&m, "a\0b", 3, &a.link), 0);
    CHECK_EQ_INT(uidmap_add(&m, "a\0c", 3, &b.link), 0);
    CHECK_EQ_INT(m.nuids, 2);
    e = uidmap_find(&m, "a\0b", 3);
    CHECK(e != NULL && e->head == &a.link && memcmp(e->uid, "a\0b", 4) == 0);
    e = uidmap_find(&m, "a\0c", 3);
    CHECK(e != NULL && e->head == &b.link);
    CHECK(uidmap_find(&m, "a", 1) == NULL);
    CHECK(uidmap_find(&m, "a\0", 2) == NULL);
    uidmap_remove(&m, &a.link);
    uidmap_remove(&m, &b.link);

    memset(big, 'x', sizeof big);
    CHECK_EQ_INT(uidmap_add(&m, big, UIDMAP_UID_MAX, &a.link), 0);
    e = uidmap_find(&m, big, UIDMAP_UID_MAX);
    CHECK(e != NULL && e->len == UIDMAP_UID_MAX);
    if (e) {
        check_list(e);
        CHECK_MEM(e->uid, big, UIDMAP_UID_MAX);
    }

    /* Refusals leave the map and the link as they were. */
    CHECK_EQ_INT(uidmap_add(&m, big, UIDMAP_UID_MAX + 1, &c.link), -1);
    CHECK_EQ_INT(uidmap_add(&m, "", 0, &c.link), -1);
    CHECK(c.link.entry == NULL);
    CHECK_EQ_INT(m.nuids, 1);
    CHECK_EQ_INT(m.nlinks, 1);
    CHECK(uidmap_find(&m, big, UIDMAP_UID_MAX + 1) == NULL);
    uidmap_remove(&m, &a.link);
    collisions(&m);
    uidmap_free(&m);                    /* with uids still bound */
}

/* xorshift32: the same sequence on every platform, unlike rand(). */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

#define RANDOM_LINKS 200
#define RANDOM_UIDS  23
#define RANDOM_STEPS 50000

/* Compare the map with the model: bound[i] is the uid number link i is
 * bound to, or -1. */
static void check_model(const uidmap *m, const conn *c, const int *bound)
{
    size_t links = 0, uids = 0;
    char uid[16];
    int u, i, len;

    for (u = 0; u < RANDOM_UIDS; u++) {
        const uidmap_entry *e;
        size_t n = 0;
        len = sprintf(uid, "r%d", u);
        e = uidmap_find(m, uid, (size_t)len);
        for (i = 0; i < RANDOM_LINKS; i++) {
            if (bound[i] != u) continue;
            n++;
            CHECK(e != NULL && c[i].link.entry == e && in_list(e, &c[i].link));
        }
        if (n == 0) {
            CHECK(e == NULL);
            continue;
        }
        CHECK(e != NULL);
        if (!e) continue;
        check_list(e);
        CHECK_EQ_INT(e->count, n);
        links += n;
        uids++;
    }
    CHECK_EQ_INT(m->nlinks, links);
    CHECK_EQ_INT(m->nuids, uids);
}

/* A fixed-seed run of random binds and unbinds, checked against a plain
 * array after every step. */
static void random_ops(void)
{
    static conn c[RANDOM_LINKS];
    int bound[RANDOM_LINKS];
    uint32_t seed = 2463534242u;
    uidmap m;
    char uid[16];
    int i, step, before = check_failures;

    uidmap_init(&m);
    for (i = 0; i < RANDOM_LINKS; i++) {
        conn_init(&c[i], i);
        bound[i] = -1;
    }
    for (step = 0; step < RANDOM_STEPS; step++) {
        i = (int)(next_random(&seed) % RANDOM_LINKS);
        if (bound[i] >= 0) {
            uidmap_remove(&m, &c[i].link);
            bound[i] = -1;
        } else {
            int u = (int)(next_random(&seed) % RANDOM_UIDS);
            int len = sprintf(uid, "r%d", u);
            CHECK_EQ_INT(uidmap_add(&m, uid, (size_t)len, &c[i].link), 0);
            bound[i] = u;
        }
        if (step % 97 == 0 || step == RANDOM_STEPS - 1)
            check_model(&m, c, bound);
        if (check_failures != before) {
            fprintf(stderr, "random: first failure at step %d\n", step);
            break;
        }
    }
    for (i = 0; i < RANDOM_LINKS; i++) uidmap_remove(&m, &c[i].link);
    CHECK_EQ_INT(m.nuids, 0);
    CHECK_EQ_INT(m.nlinks, 0);
    uidmap_free(&m);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        {"basic", basic},
        {"many_tabs", many_tabs},
        {"growth", growth},
        {"bytes", bytes},
        {"random", random_ops},
        {NULL, NULL}
    };
    return check_main(argc, argv, groups);
}
