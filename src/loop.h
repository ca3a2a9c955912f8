/**
 * @file loop.h
 * @brief A select() event loop that knows nothing of protocols.
 *
 * Modelled on redis' ae: every file descriptor may have a read handler and
 * a write handler, each called with the fd and the caller's pointer when
 * select() says the fd is ready. The loop copies its fd_sets before every
 * select(), so handlers may add and remove fds freely, and it refuses an
 * fd at or past FD_SETSIZE instead of writing past the end of an fd_set
 * (POSIX leaves FD_SET on such an fd undefined).
 *
 * Timers are left to the caller: ev_poll() takes a timeout, and
 * ev_now_ms() reads a monotonic clock to compute it.
 *
 * @defgroup loop Event loop
 * @{
 */
#ifndef WSPUSH_LOOP_H
#define WSPUSH_LOOP_H

#include <stdint.h>
#include <sys/select.h>

#define EV_NONE     0  /**< no interest */
#define EV_READABLE 1  /**< call the read handler when the fd is readable */
#define EV_WRITABLE 2  /**< call the write handler when the fd is writable */

struct ev_loop;

/** A handler: called with the fd that is ready, the caller's pointer and
 *  EV_READABLE or EV_WRITABLE. */
typedef void ev_proc(struct ev_loop *loop, int fd, void *data, int mask);

/** What the loop holds for one fd. */
typedef struct ev_file {
    int mask;          /**< EV_READABLE | EV_WRITABLE interest */
    ev_proc *rproc;    /**< read handler */
    ev_proc *wproc;    /**< write handler */
    void *data;        /**< the caller's pointer */
} ev_file;

/** The loop. Large (one ev_file per possible fd): allocate it statically
 *  or on the heap, not on a small stack. */
typedef struct ev_loop {
    ev_file files[FD_SETSIZE]; /**< indexed by fd */
    /** @{ */
    fd_set rfds, wfds;         /**< interest sets, copied before select() */
    /** @} */
    int maxfd;                 /**< highest fd with an interest, or -1 */
} ev_loop;

/** @brief Make @p loop empty. */
void ev_init(ev_loop *loop);

/**
 * @brief Add interest in @p mask events on @p fd.
 * @param[in,out] loop the loop.
 * @param[in] fd the descriptor; must be below FD_SETSIZE.
 * @param[in] mask EV_READABLE, EV_WRITABLE or both.
 * @param[in] proc handler for those events.
 * @param[in] data passed to the handler; one pointer per fd, the last
 *            one given wins.
 * @return 0, or -1 if @p fd is negative or at least FD_SETSIZE.
 */
int ev_add(ev_loop *loop, int fd, int mask, ev_proc *proc, void *data);

/** @brief Remove interest in @p mask events on @p fd (a no-op for events
 *  not registered). */
void ev_del(ev_loop *loop, int fd, int mask);

/**
 * @brief Wait once for events and call their handlers.
 * @param[in,out] loop the loop.
 * @param[in] timeout_ms longest wait in milliseconds; -1 waits forever.
 * @return the number of handlers called, 0 on timeout or when a signal
 *         interrupted the wait, -1 if select() failed otherwise.
 */
int ev_poll(ev_loop *loop, long timeout_ms);

/** @brief Milliseconds on a monotonic clock (CLOCK_MONOTONIC). */
int64_t ev_now_ms(void);

/** @} */
#endif
