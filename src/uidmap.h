/**
 * @file uidmap.h
 * @brief The uid map: uid -> every connection bound to it.
 *
 * The seed keeps one connection per uid in a PHP array, so a second tab
 * with the same uid replaces the first, and when the first tab closes it
 * unsets the entry the second one owns. Here a uid owns a list of links,
 * one per connection: binding adds a link, closing removes that link only,
 * and the uid disappears with its last link.
 *
 * Links are intrusive: the caller embeds a uidmap_link in its connection
 * and gets the connection back through @c owner, so binding allocates
 * only the entry of a uid that is new. Lookups hash the uid (FNV-1a) into
 * a table that doubles as uids are added.
 *
 * @defgroup uidmap uid map
 * @{
 */
#ifndef WSPUSH_UIDMAP_H
#define WSPUSH_UIDMAP_H

#include <stddef.h>
#include <stdint.h>

/** Longest uid in bytes. A page that sends a longer first message is
 *  closed with 1008; a push naming a longer uid is answered with an error. */
#define UIDMAP_UID_MAX 256

struct uidmap_entry;

/** One connection's place in its uid's list. */
typedef struct uidmap_link {
    /** @{ */
    struct uidmap_link *prev, *next; /**< neighbours in the uid's list */
    /** @} */
    struct uidmap_entry *entry;      /**< the uid, NULL while unbound */
    void *owner;                     /**< the caller's connection */
} uidmap_link;

/** One uid and its connections. */
typedef struct uidmap_entry {
    struct uidmap_entry *chain;      /**< next entry in the same bucket */
    uint32_t hash;                   /**< hash of @c uid */
    uidmap_link *head;               /**< first connection, never NULL */
    size_t count;                    /**< connections in the list */
    size_t len;                      /**< length of @c uid */
    char uid[];                      /**< the uid, NUL-terminated (a C99
                                          flexible array member) */
} uidmap_entry;

/** The map. Zero-initialised is a valid, empty map. */
typedef struct uidmap {
    uidmap_entry **buckets;          /**< hash table, NULL while empty */
    size_t nbuckets;                 /**< size of @c buckets, a power of 2 */
    size_t nuids;                    /**< distinct uids */
    size_t nlinks;                   /**< connections bound */
} uidmap;

/** @brief Make @p m an empty map. */
void uidmap_init(uidmap *m);

/** @brief Free everything the map allocated, leaving @p m empty and ready
 *         for use. Links still bound point at freed entries: drop them or
 *         zero them, do not pass them to uidmap_remove(). */
void uidmap_free(uidmap *m);

/**
 * @brief Bind a connection to a uid.
 *
 * The uid's entry is created if it is new; the link goes to the head of
 * its list, so the newest connection comes first.
 * @param[in,out] m the map.
 * @param[in] uid the uid bytes (1 to UIDMAP_UID_MAX, any values, NUL
 *                included).
 * @param[in] len length of @p uid.
 * @param[in,out] link the connection's link, not bound yet (@c entry NULL,
 *                as after zeroing or uidmap_remove()); its @c owner must
 *                be set.
 * @return 0, or -1 if memory ran out, @p len is out of range or @p link is
 *         already bound (the map and the link are unchanged then).
 */
int uidmap_add(uidmap *m, const char *uid, size_t len, uidmap_link *link);

/**
 * @brief Unbind a connection in O(1); removes its uid (a walk of one
 *        hash chain) when it was the last one. The link is left unbound
 *        (@c entry, @c prev and @c next NULL) and may be added again.
 *        Does nothing for a link that is not bound.
 */
void uidmap_remove(uidmap *m, uidmap_link *link);

/**
 * @brief Find a uid.
 * @return its entry (walk entry->head through ->next), or NULL. The entry
 *         is valid until its last link is removed.
 */
uidmap_entry *uidmap_find(const uidmap *m, const char *uid, size_t len);

/** @} */
#endif
