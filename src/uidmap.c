/* uidmap.c -- uid -> the connections bound to it.
 *
 * A uid is a byte string (any bytes, NUL included) compared by length and
 * memcmp. Each uid has one entry, allocated when its first connection binds
 * and freed when its last one leaves; the entry heads a doubly linked list
 * of links that live inside the caller's connections, so binding a second
 * tab to a known uid allocates nothing and closing a tab unlinks exactly its
 * own link in O(1). That is the fix for the seed's flaw, where the map held
 * one connection per uid and a closing tab removed its successor's entry.
 *
 * Entries are found through a chained hash table indexed by the low bits of
 * a 32-bit FNV-1a hash. The table is allocated with the first uid, doubles
 * whenever there are more uids than buckets (so chains stay short on
 * average), and is kept when the map empties: a uid that comes and goes
 * does not make it allocate and free a table every time. */
#include "uidmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Buckets allocated with the first uid; a power of 2, like every size. */
#define FIRST_BUCKETS 16

/* The 32-bit FNV-1a hash of p[0..len). */
static uint32_t fnv1a(const char *p, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

/* The head of the bucket chain that holds (or would hold) hash h. */
static uidmap_entry **bucket(const uidmap *m, uint32_t h)
{
    return &m->buckets[h & (m->nbuckets - 1)];
}

/* The entry for uid[0..len) whose hash is h, or NULL. The table must be
 * allocated. */
static uidmap_entry *lookup(const uidmap *m, const char *uid, size_t len,
                            uint32_t h)
{
    uidmap_entry *e;

    for (e = *bucket(m, h); e; e = e->chain)
        if (e->hash == h && e->len == len && memcmp(e->uid, uid, len) == 0)
            return e;
    return NULL;
}

/* Make the table n buckets (a power of 2), moving every entry across.
 * Returns 0, or -1 if memory ran out (the table is unchanged then). */
static int resize(uidmap *m, size_t n)
{
    uidmap_entry **old = m->buckets, *e, *next;
    size_t oldn = m->nbuckets, i;

    if (n > SIZE_MAX / sizeof *m->buckets) return -1;
    m->buckets = calloc(n, sizeof *m->buckets);
    if (!m->buckets) {
        m->buckets = old;
        return -1;
    }
    m->nbuckets = n;
    for (i = 0; i < oldn; i++) {
        for (e = old[i]; e; e = next) {
            uidmap_entry **b = bucket(m, e->hash);
            next = e->chain;
            e->chain = *b;
            *b = e;
        }
    }
    free(old);
    return 0;
}

/* Make room for one more uid: allocate the table if there is none, and
 * double it if one more uid would put more uids than buckets in it.
 * Returns 0, or -1 if there is no table and none could be made. A failed
 * doubling is not an error: the chains just get longer. */
static int reserve(uidmap *m)
{
    if (!m->buckets) return resize(m, FIRST_BUCKETS);
    if (m->nuids >= m->nbuckets && m->nbuckets <= SIZE_MAX / 2)
        (void)resize(m, m->nbuckets * 2);
    return 0;
}

/* A new entry for uid[0..len) with hash h and no links yet, or NULL if
 * memory ran out. len is at most UIDMAP_UID_MAX, so the size cannot
 * overflow. */
static uidmap_entry *entry_new(const char *uid, size_t len, uint32_t h)
{
    uidmap_entry *e = malloc(sizeof *e + len + 1);
    if (!e) return NULL;
    e->chain = NULL;
    e->hash = h;
    e->head = NULL;
    e->count = 0;
    e->len = len;
    memcpy(e->uid, uid, len);
    e->uid[len] = '\0';
    return e;
}

void uidmap_init(uidmap *m)
{
    m->buckets = NULL;
    m->nbuckets = 0;
    m->nuids = 0;
    m->nlinks = 0;
}

/* Free every entry and the table; the links still point at freed entries,
 * so the caller must not use them with this map again. */
void uidmap_free(uidmap *m)
{
    uidmap_entry *e, *next;
    size_t i;

    for (i = 0; i < m->nbuckets; i++) {
        for (e = m->buckets[i]; e; e = next) {
            next = e->chain;
            free(e);
        }
    }
    free(m->buckets);
    uidmap_init(m);
}

/* Bind link to uid[0..len): find or create the uid's entry, then put the
 * link at the head of its list (the newest connection comes first).
 * Returns -1, changing nothing, if len is 0 or over UIDMAP_UID_MAX, if the
 * link is already bound, or if memory ran out. */
int uidmap_add(uidmap *m, const char *uid, size_t len, uidmap_link *link)
{
    uidmap_entry *e = NULL;
    uint32_t h;

    if (len == 0 || len > UIDMAP_UID_MAX || link->entry) return -1;
    h = fnv1a(uid, len);
    if (m->buckets) e = lookup(m, uid, len, h);
    if (!e) {
        uidmap_entry **b;
        if (reserve(m) < 0) return -1;
        e = entry_new(uid, len, h);
        if (!e) return -1;
        b = bucket(m, h);
        e->chain = *b;
        *b = e;
        m->nuids++;
    }
    link->prev = NULL;
    link->next = e->head;
    if (e->head) e->head->prev = link;
    e->head = link;
    link->entry = e;
    e->count++;
    m->nlinks++;
    return 0;
}

/* Take entry e, which has no links left, out of its chain and free it. */
static void entry_drop(uidmap *m, uidmap_entry *e)
{
    uidmap_entry **pp = bucket(m, e->hash);

    while (*pp != e) pp = &(*pp)->chain;
    *pp = e->chain;
    free(e);
    m->nuids--;
}

/* Unlink link from its uid's list in O(1); the uid goes when its last link
 * does. The link ends up unbound (entry, prev and next NULL), so it may be
 * added again. An unbound link is left alone. */
void uidmap_remove(uidmap *m, uidmap_link *link)
{
    uidmap_entry *e = link->entry;

    if (!e) return;
    if (link->prev) link->prev->next = link->next;
    else e->head = link->next;
    if (link->next) link->next->prev = link->prev;
    link->prev = link->next = NULL;
    link->entry = NULL;
    m->nlinks--;
    if (--e->count == 0) entry_drop(m, e);
}

/* The entry for uid[0..len), or NULL if no connection is bound to it. */
uidmap_entry *uidmap_find(const uidmap *m, const char *uid, size_t len)
{
    if (!m->buckets || len == 0 || len > UIDMAP_UID_MAX) return NULL;
    return lookup(m, uid, len, fnv1a(uid, len));
}
