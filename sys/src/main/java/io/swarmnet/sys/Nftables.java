package io.swarmnet.sys;

import java.io.Closeable;
import java.io.IOException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * The nftables ruleset of one network namespace, changed and listed with the commands
 * {@code nft -f} reads, through libnftables ({@code nftables/libnftables.h}) instead of a
 * process.
 *
 * <p>A context keeps the netlink socket it opens when it is created, so it works on the
 * namespace it was opened in whichever thread calls; open it with {@link #open(Netns)} to
 * work on another namespace. Each {@link #run} is one netlink batch, which the kernel
 * commits or refuses as a whole: a buffer that deletes a table and adds it back replaces it
 * atomically, with no moment where packets see no rules or half of them.
 *
 * <p>WARNING: libnftables keeps process-wide state (a one-time init, an interface cache it
 * fills from the namespace of the calling thread when a rule names an interface by index
 * with {@code iif}/{@code oif}). Every call here therefore holds one lock for all
 * contexts, and rules should match interfaces by name ({@code iifname}/{@code oifname}),
 * which needs no lookup and still matches after the interface is re-created.
 */
public final class Nftables implements Closeable {
    /** {@code NFT_CTX_DEFAULT}: a context that talks to the kernel. */
    static final int NFT_CTX_DEFAULT = 0;
    /** {@code NETLINK_NETFILTER} from {@code linux/netlink.h}. */
    static final int NETLINK_NETFILTER = 12;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;

    /** Every libnftables call goes through this lock; see the WARNING on this class. */
    private static final Object LOCK = new Object();

    /** The functions of libnftables.so.1 swarmnet calls. */
    public interface LibNftables {
        Pointer nft_ctx_new(int flags);

        void nft_ctx_free(Pointer ctx);

        int nft_ctx_buffer_output(Pointer ctx);

        int nft_ctx_buffer_error(Pointer ctx);

        String nft_ctx_get_output_buffer(Pointer ctx);

        String nft_ctx_get_error_buffer(Pointer ctx);

        int nft_run_cmd_from_buffer(Pointer ctx, String buf);
    }

    /** Loaded on first use, so an agent that never touches nftables does not need it. */
    private static LibNftables library;

    private Pointer ctx;

    private Nftables(Pointer ctx) {
        this.ctx = ctx;
    }

    /**
     * Opens a context on the calling thread's network namespace.
     *
     * @throws IOException if libnftables is not installed, or the kernel has no nf_tables
     *         netlink (EPROTONOSUPPORT)
     */
    public static Nftables open() throws IOException {
        // libnftables exits the process when it cannot open its netlink socket, so find out
        // first with a socket of our own.
        int probe = Syscall.socket(Netlink.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (probe < 0) {
            throw Syscall.newIOException("socket NETLINK_NETFILTER", probe);
        }
        Syscall.close(probe);
        LibNftables lib = library();
        synchronized (LOCK) {
            Pointer ctx = lib.nft_ctx_new(NFT_CTX_DEFAULT);
            if (ctx == null) {
                throw new IOException("nft_ctx_new failed");
            }
            // Keep what nft would print: output is returned, errors become exceptions.
            if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
                lib.nft_ctx_free(ctx);
                throw new IOException("nft_ctx_buffer_output/error failed");
            }
            return new Nftables(ctx);
        }
    }

    /** Opens a context on {@code netns}. */
    public static Nftables open(Netns netns) throws IOException {
        return netns.call(Nftables::open);
    }

    private static LibNftables library() throws IOException {
        synchronized (LOCK) {
            if (library == null) {
                try {
                    library = LibraryLoader.create(LibNftables.class).load("nftables");
                } catch (UnsatisfiedLinkError e) {
                    throw new IOException("cannot load libnftables.so.1 (Debian package libnftables1): "
                            + e.getMessage(), e);
                }
            }
            return library;
        }
    }

    /**
     * Runs {@code commands} (one or more lines of the {@code nft -f} language) as one
     * transaction and returns what they print, e.g. the listing of {@code list table}.
     *
     * @throws IOException with nft's own explanation if any command is refused; then none
     *         of them took effect
     */
    public String run(String commands) throws IOException {
        if (commands.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("nft commands contain a NUL character");
        }
        LibNftables lib = library();
        synchronized (LOCK) {
            if (ctx == null) {
                throw new IllegalStateException("nftables context is closed");
            }
            int rc = lib.nft_run_cmd_from_buffer(ctx, commands);
            // Reading a buffer also rewinds it, so read both every time.
            String output = lib.nft_ctx_get_output_buffer(ctx);
            String error = lib.nft_ctx_get_error_buffer(ctx);
            if (rc != 0) {
                throw new IOException("nft '" + firstLine(commands) + "': " + error.strip());
            }
            return output;
        }
    }

    private static String firstLine(String commands) {
        String trimmed = commands.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end) + " ...";
    }

    @Override
    public void close() throws IOException {
        synchronized (LOCK) {
            if (ctx != null) {
                library().nft_ctx_free(ctx);
                ctx = null;
            }
        }
    }
}
