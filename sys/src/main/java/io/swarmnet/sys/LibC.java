package io.swarmnet.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The C library functions swarmnet calls, bound through JNR-FFI.
 *
 * <p>These are the raw libc calls: they return {@code -1} and leave the reason in
 * {@code errno}. Call them through {@link Syscall}, which returns {@code -errno} instead,
 * so every caller checks one value and names the call in its exception. Buffers and
 * structs are passed as raw addresses ({@code long}) of direct memory the caller owns, so
 * a call allocates nothing on the Java heap.
 *
 * <p>WARNING: JNR-FFI 2.2.19's x86-64 stub compiler passes garbage as the sixth argument of
 * a function (seen with {@code sendto}'s address length), so no function here may take more
 * than five; use the {@code msghdr} forms ({@code recvmsg}) where libc has more.
 */
public interface LibC {

    /** The loaded library; errno is saved after every call so {@link Syscall} can read it. */
    LibC INSTANCE = LibraryLoader.create(LibC.class)
            .option(LibraryOption.SaveError, Boolean.TRUE)
            .load("c");

    /** The JNR runtime of {@link #INSTANCE}, needed to read the saved errno. */
    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    int open(String path, int flags);

    int close(int fd);

    int ioctl(int fd, @size_t long request, @intptr_t long arg);

    @ssize_t long read(int fd, @intptr_t long buf, @size_t long count);

    @ssize_t long write(int fd, @intptr_t long buf, @size_t long count);

    int poll(@intptr_t long fds, @size_t long nfds, int timeoutMillis);

    int setns(int fd, int nstype);

    int socket(int domain, int type, int protocol);

    int bind(int fd, @intptr_t long addr, int addrlen);

    int setsockopt(int fd, int level, int optname, @intptr_t long optval, int optlen);

    @ssize_t long send(int fd, @intptr_t long buf, @size_t long len, int flags);

    @ssize_t long recvmsg(int fd, @intptr_t long msghdr, int flags);

    String strerror(int errnum);

    int gettid();

    int setpriority(int which, int who, int prio);

    int sched_setaffinity(int pid, @size_t long size, @intptr_t long mask);

    int sched_getaffinity(int pid, @size_t long size, @intptr_t long mask);

    /** For calls libc has no function for (bpf): the number, then three arguments. */
    long syscall(long number, @intptr_t long a, @intptr_t long b, @intptr_t long c);
}
