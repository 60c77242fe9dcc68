// epoll and the kernel's receive timestamps, for the stream benchmark's client: Swift's Glibc module
// has neither, and the control-message accessors are macros.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

static inline int bench_so_timestampns(void) { return SO_TIMESTAMPNS; }

/// The receive time the kernel attached to what `recvmsg` just read (SCM_TIMESTAMPNS), in CLOCK_REALTIME
/// nanoseconds; 0 if there is none.
static inline unsigned long long bench_received_at(struct msghdr *message) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(message); c != NULL; c = CMSG_NXTHDR(message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec *t = (struct timespec *)CMSG_DATA(c);
            return (unsigned long long)t->tv_sec * 1000000000ULL + (unsigned long long)t->tv_nsec;
        }
    }
    return 0;
}
