package io.swarmnet.sys;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * An open network namespace, and the way to run code inside it ({@code setns(2)} with
 * {@code CLONE_NEWNET} from {@code sched.h}).
 *
 * <p>Sockets, TAP devices and netlink sockets belong to the namespace of the thread that
 * creates them and keep it for life, whichever thread uses them later. So the agent opens
 * them inside {@link #call} and then serves them from its ordinary threads.
 *
 * <p>WARNING: {@code setns} moves only the calling thread, and the thread stays moved. A
 * thread that entered a namespace must never run anything else afterwards, least of all
 * return to a pool, where unrelated work would silently open sockets in the wrong
 * namespace. {@link #call} therefore runs each task on a fresh platform thread that ends
 * with it; never call {@code setns} on a virtual thread, whose carrier thread is shared.
 */
public final class Netns implements Closeable {
    /** Where {@code ip netns add NAME} mounts named namespaces. */
    public static final Path NAMED_DIR = Paths.get("/var/run/netns");

    static final int CLONE_NEWNET = 0x40000000;
    /** {@code NS_GET_NSTYPE} from {@code linux/nsfs.h}: which kind of namespace a file is. */
    private static final long NS_GET_NSTYPE = 0xb703L;

    private final Path path;
    private final int fd;
    private volatile boolean closed;

    private Netns(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * A task to run inside a namespace; unlike {@link java.util.concurrent.Callable} it
     * throws only what it declares, so callers catch no more than that.
     */
    @FunctionalInterface
    public interface Task<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Opens the namespace at {@code path}, e.g. {@code /var/run/netns/NAME} or
     * {@code /proc/PID/ns/net}.
     *
     * @throws NativeIoException ENOENT ({@link NativeIoException#isAbsent()}) if there is no
     *         such file, EINVAL if the file is not a network namespace
     */
    public static Netns open(Path path) throws IOException {
        String file = path.toString();
        int fd = Syscall.open(file, Syscall.O_RDONLY | Syscall.O_CLOEXEC);
        if (fd < 0) {
            throw Syscall.newIOException("open netns " + file, fd);
        }
        // Catch a wrong file now rather than at the first setns, far from its cause.
        int type = Syscall.ioctl(fd, NS_GET_NSTYPE, 0);
        if (type != CLONE_NEWNET) {
            Syscall.close(fd);
            throw type < 0
                    ? Syscall.newIOException("ioctl NS_GET_NSTYPE " + file, type)
                    : new NativeIoException("open netns " + file, Errno.EINVAL, "not a network namespace");
        }
        return new Netns(path, fd);
    }

    /** Opens the namespace {@code ip netns add name} created. */
    public static Netns named(String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid namespace name '" + name + "'");
        }
        return open(NAMED_DIR.resolve(name));
    }

    /** Opens the namespace of process {@code pid}. */
    public static Netns ofProcess(long pid) throws IOException {
        return open(Paths.get("/proc", Long.toString(pid), "ns", "net"));
    }

    /** Opens the namespace the calling thread is in, e.g. to come back to it later. */
    public static Netns current() throws IOException {
        return open(Paths.get("/proc/thread-self/ns/net"));
    }

    /** Where this namespace was opened from. */
    public Path path() {
        return path;
    }

    /** The namespace's file descriptor, e.g. for {@code IFLA_NET_NS_FD}. */
    public int fd() {
        return fd;
    }

    /**
     * Runs {@code task} inside this namespace, on a new thread that ends with it, and waits
     * for its result.
     *
     * @throws E whatever the task throws
     * @throws NativeIoException if the thread could not enter the namespace
     * @throws InterruptedIOException if the caller was interrupted while waiting; the task
     *         is interrupted too and its thread still ends when the task does
     */
    public <T, E extends Exception> T call(Task<T, E> task) throws E, IOException {
        if (closed) {
            throw new IllegalStateException("netns " + path + " is closed");
        }
        FutureTask<T> future = new FutureTask<>(() -> {
            enter();
            return task.run();
        });
        Thread thread = new Thread(future, "netns " + path);
        thread.setDaemon(true);
        thread.start();
        try {
            return future.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted in netns " + path);
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            throw Netns.<E>rethrow(e.getCause());
        }
    }

    /** Moves the calling thread into this namespace; see the WARNING on this class. */
    private void enter() throws IOException {
        int res = Syscall.setns(fd, CLONE_NEWNET);
        if (res < 0) {
            throw Syscall.newIOException("setns " + path, res);
        }
    }

    // The task declares only E, enter() only IOException: a checked cause is one of them.
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Throwable cause) throws IOException, E {
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        if (cause instanceof IOException) {
            throw (IOException) cause;
        }
        throw (E) cause;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Syscall.closeOrThrow(fd, "close netns " + path);
    }

    @Override
    public String toString() {
        return "Netns(" + path + ")";
    }
}
