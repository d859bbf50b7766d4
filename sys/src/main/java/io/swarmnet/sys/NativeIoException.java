package io.swarmnet.sys;

import java.io.IOException;

/**
 * A failed system call or kernel request, naming the call and carrying its errno.
 *
 * <p>Reconcilers must treat "already there" and "already gone" as success, so the two
 * outcomes have their own predicates instead of making callers compare errno values.
 */
public final class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * A failure of {@code call} with {@code errno}; {@code detail} is the kernel's own
     * explanation (a netlink extended ACK) or {@code null}.
     */
    public NativeIoException(String call, int errno, String detail) {
        super(message(call, errno, detail));
        this.call = call;
        this.errno = errno;
    }

    private static String message(String call, int errno, String detail) {
        String text = call + ": " + Errno.name(errno) + " (" + LibC.INSTANCE.strerror(errno) + ")";
        return detail == null || detail.isEmpty() ? text : text + ": " + detail;
    }

    /** The failed call and its subject, e.g. {@code "ioctl TUNSETIFF tap0"}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** True if the object to create exists already (EEXIST). */
    public boolean isAlreadyExists() {
        return errno == Errno.EEXIST;
    }

    /**
     * True if the object, or the object it belongs to, does not exist: no such file or
     * namespace (ENOENT), link (ENODEV), route (ESRCH) or address (EADDRNOTAVAIL).
     */
    public boolean isAbsent() {
        return errno == Errno.ENOENT || errno == Errno.ENODEV
                || errno == Errno.ESRCH || errno == Errno.EADDRNOTAVAIL;
    }
}
