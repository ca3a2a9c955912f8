/* loop.c -- a select() event loop.
 *
 * select() is the one readiness call every Unix has. Its limits are known
 * and handled where they bite: fds at or past FD_SETSIZE cannot be watched
 * (ev_add refuses them, the server refuses such connections), and each call
 * costs time in proportion to the highest fd, which is why maxfd is kept
 * exact as fds come and go. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "loop.h"

void ev_init(ev_loop *loop)
{
    memset(loop->files, 0, sizeof loop->files);
    FD_ZERO(&loop->rfds);
    FD_ZERO(&loop->wfds);
    loop->maxfd = -1;
}

int ev_add(ev_loop *loop, int fd, int mask, ev_proc *proc, void *data)
{
    ev_file *f;

    if (fd < 0 || fd >= FD_SETSIZE) return -1;
    f = &loop->files[fd];
    if (mask & EV_READABLE) {
        f->rproc = proc;
        FD_SET(fd, &loop->rfds);
    }
    if (mask & EV_WRITABLE) {
        f->wproc = proc;
        FD_SET(fd, &loop->wfds);
    }
    f->mask |= mask;
    f->data = data;
    if (fd > loop->maxfd) loop->maxfd = fd;
    return 0;
}

void ev_del(ev_loop *loop, int fd, int mask)
{
    ev_file *f;

    if (fd < 0 || fd >= FD_SETSIZE) return;
    f = &loop->files[fd];
    if (f->mask == EV_NONE) return;
    if (mask & EV_READABLE) FD_CLR(fd, &loop->rfds);
    if (mask & EV_WRITABLE) FD_CLR(fd, &loop->wfds);
    f->mask &= ~mask;
    if (fd == loop->maxfd && f->mask == EV_NONE) {
        while (loop->maxfd >= 0 && loop->files[loop->maxfd].mask == EV_NONE)
            loop->maxfd--;
    }
}

int ev_poll(ev_loop *loop, long timeout_ms)
{
    fd_set r, w;
    struct timeval tv, *tvp = NULL;
    int n, fd, maxfd = loop->maxfd, called = 0;

    /* select() overwrites its sets, and handlers change ours: copy first. */
    memcpy(&r, &loop->rfds, sizeof r);
    memcpy(&w, &loop->wfds, sizeof w);
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        tvp = &tv;
    }
    n = select(maxfd + 1, &r, &w, NULL, tvp);
    if (n < 0) return errno == EINTR ? 0 : -1;

    for (fd = 0; fd <= maxfd && n > 0; fd++) {
        int rd = FD_ISSET(fd, &r), wr = FD_ISSET(fd, &w);
        ev_file *f = &loop->files[fd];

        /* select() counted each ready bit: stop once all are seen. */
        n -= (rd != 0) + (wr != 0);
        /* A handler called earlier in this pass may have closed this fd,
         * or even reused it: check the interest is still there. */
        if (rd && (f->mask & EV_READABLE)) {
            f->rproc(loop, fd, f->data, EV_READABLE);
            called++;
        }
        if (wr && (f->mask & EV_WRITABLE)) {
            f->wproc(loop, fd, f->data, EV_WRITABLE);
            called++;
        }
    }
    return called;
}

int64_t ev_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
