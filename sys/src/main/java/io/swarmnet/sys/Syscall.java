package io.swarmnet.sys;

import jnr.ffi.LastError;

/**
 * The {@code -errno} layer over {@link LibC}: each call returns its result, or the
 * negated errno when it failed, so a caller checks one value and turns a failure into an
 * exception with {@link #newIOException}. The convention is Netty's {@code Native}.
 */
final class Syscall {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    private static final LibC LIBC = LibC.INSTANCE;
    /** bpf(2) has no libc function; its number differs by architecture (-1: unknown here). */
    private static final long BPF_SYSCALL = bpfNumber(System.getProperty("os.arch", ""));

    private Syscall() {
    }

    static NativeIoException newIOException(String call, int res) {
        return new NativeIoException(call, -res, null);
    }

    static int open(String path, int flags) {
        return result(LIBC.open(path, flags));
    }

    static int gettid() {
        return LIBC.gettid();
    }

    static int setpriority(int which, int who, int prio) {
        return result(LIBC.setpriority(which, who, prio));
    }

    static int schedSetaffinity(int tid, int size, long mask) {
        return result(LIBC.sched_setaffinity(tid, size, mask));
    }

    static int schedGetaffinity(int tid, int size, long mask) {
        return result(LIBC.sched_getaffinity(tid, size, mask));
    }

    static int bpf(int cmd, long attr, int size) {
        if (BPF_SYSCALL < 0) {
            return -Errno.ENOSYS;
        }
        return (int) result(LIBC.syscall(BPF_SYSCALL, cmd, attr, size));
    }

    static long bpfNumber(String arch) {
        switch (arch) {
            case "amd64":
            case "x86_64":
                return 321;
            case "aarch64":
                return 280;
            default:
                return -1;
        }
    }

    static int close(int fd) {
        return result(LIBC.close(fd));
    }

    /** Closes {@code fd}, or throws naming {@code what} ("close tap0") with the errno. */
    static void closeOrThrow(int fd, String what) throws NativeIoException {
        int res = close(fd);
        if (res < 0) {
            throw newIOException(what, res);
        }
    }

    static int ioctl(int fd, long request, long arg) {
        return result(LIBC.ioctl(fd, request, arg));
    }

    static int read(int fd, long address, int length) {
        return (int) result(LIBC.read(fd, address, length));
    }

    static int write(int fd, long address, int length) {
        return (int) result(LIBC.write(fd, address, length));
    }

    static int poll(long fds, int nfds, int timeoutMillis) {
        return result(LIBC.poll(fds, nfds, timeoutMillis));
    }

    static int setns(int fd, int nstype) {
        return result(LIBC.setns(fd, nstype));
    }

    static int socket(int domain, int type, int protocol) {
        return result(LIBC.socket(domain, type, protocol));
    }

    static int bind(int fd, long addr, int addrlen) {
        return result(LIBC.bind(fd, addr, addrlen));
    }

    static int setsockopt(int fd, int level, int optname, long optval, int optlen) {
        return result(LIBC.setsockopt(fd, level, optname, optval, optlen));
    }

    static int send(int fd, long buf, int len, int flags) {
        return (int) result(LIBC.send(fd, buf, len, flags));
    }

    static int recvmsg(int fd, long msghdr, int flags) {
        return (int) result(LIBC.recvmsg(fd, msghdr, flags));
    }

    private static int result(int res) {
        return res >= 0 ? res : -LastError.getLastError(LibC.RUNTIME);
    }

    private static long result(long res) {
        return res >= 0 ? res : -LastError.getLastError(LibC.RUNTIME);
    }
}
