package io.swarmnet.vxlan.port;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.swarmnet.sys.IfTun;
import io.swarmnet.sys.TapDevice;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TAP device served by a Netty event loop: its file descriptor is registered with the
 * loop through the {@link IoHandle} API (epoll or io_uring, whichever the loop runs), every
 * frame read goes to a {@link FrameHandler}, and {@link #write} puts frames into it.
 *
 * <p>The loop learns that the TAP is readable (edge-triggered epoll, or a multishot
 * io_uring poll) and then reads with plain non-blocking {@code read(2)} calls up to a
 * budget; a TAP that still has frames yields to the other ports and sockets and is read
 * again from a task, so one busy task cannot starve the rest. Writes are non-blocking
 * {@code write(2)} calls: a full queue drops the frame rather than stall the loop.
 *
 * <p>Lifecycle: {@link #start} registers with a loop; {@link #stop} deregisters and closes
 * the device, which then disappears unless it was made persistent. The read buffer is
 * shared by every port of the loop; the handler must not keep it.
 */
public final class TapPort implements SwitchPort {
    private static final Logger LOG = LoggerFactory.getLogger(TapPort.class);
    /** Frames read per readiness event before the port lets others run. */
    static final int READ_BUDGET = 64;
    /** The offloads the VTEP takes: partial checksums and TCP/IPv4 super-frames, with ECN. */
    public static final int OFFLOADS = IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4 | IfTun.TUN_F_TSO_ECN;

    private final TapDevice tap;
    private final int id;
    private final int vni;
    private final FrameHandler handler;
    private final Runnable readAgain = this::readReady;

    /** Set by {@link #start}; the rest is touched on the loop only. */
    private volatile IoEventLoop loop;
    private ByteBuf readBuffer;
    private IoRegistration registration;
    private Poller poller;
    private Promise<Void> stopped;
    private boolean stopping;
    private volatile boolean closed;

    /**
     * Creates a port over {@code tap}, which must have been opened non-blocking with
     * {@link IfTun#IFF_VNET_HDR} and the default 10-byte header; the port owns it from now on.
     *
     * @throws IllegalArgumentException if the device has no 10-byte virtio header
     */
    public TapPort(TapDevice tap, int id, int vni, FrameHandler handler) {
        if (tap.vnetHeaderSize() != VNET_HEADER_LENGTH) {
            throw new IllegalArgumentException(tap.name() + " has a virtio header of " + tap.vnetHeaderSize()
                    + " bytes, the port needs IFF_VNET_HDR with " + VNET_HEADER_LENGTH);
        }
        this.tap = tap;
        this.id = id;
        this.vni = vni;
        this.handler = handler;
    }

    /**
     * Opens TAP {@code name} in the calling thread's namespace the way a port wants it:
     * non-blocking, with a virtio header, and with {@link #OFFLOADS} unless
     * {@code offloads} is false.
     */
    public static TapDevice openTap(String name, boolean offloads) throws IOException {
        return openQueue(name, offloads, IfTun.IFF_VNET_HDR);
    }

    /**
     * Opens TAP {@code name} as {@link #openTap} does, with {@code queues} queues
     * ({@code IFF_MULTI_QUEUE} when more than one): a descriptor per queue, the first
     * first. On failure none is left open.
     */
    public static java.util.List<TapDevice> openTapQueues(String name, boolean offloads, int queues) throws IOException {
        if (queues < 1) {
            throw new IllegalArgumentException("queues " + queues + " < 1");
        }
        int flags = IfTun.IFF_VNET_HDR | (queues > 1 ? IfTun.IFF_MULTI_QUEUE : 0);
        java.util.List<TapDevice> opened = new java.util.ArrayList<>(queues);
        boolean success = false;
        try {
            for (int i = 0; i < queues; i++) {
                opened.add(openQueue(name, offloads, flags));
            }
            success = true;
            return opened;
        } finally {
            if (!success) {
                for (TapDevice tap : opened) {
                    tap.close();
                }
            }
        }
    }

    private static TapDevice openQueue(String name, boolean offloads, int flags) throws IOException {
        TapDevice tap = IfTun.openTap(name, flags, true);
        boolean success = false;
        try {
            tap.setOffload(offloads ? OFFLOADS : 0);
            success = true;
            return tap;
        } finally {
            if (!success) {
                tap.close();
            }
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int vni() {
        return vni;
    }

    /** Returns the interface name of the TAP. */
    public String name() {
        return tap.name();
    }

    /**
     * Registers the TAP with {@code loop} and starts reading into {@code readBuffer}, a direct
     * buffer of at least 64 KiB plus headers that only this loop uses.
     *
     * @return completes once the loop polls the TAP, or fails with the registration's error
     */
    public Future<Void> start(IoEventLoop loop, ByteBuf readBuffer) {
        Promise<Void> started = loop.newPromise();
        this.loop = loop;
        loop.execute(() -> {
            this.readBuffer = readBuffer;
            Poller p;
            if (loop.isCompatible(EpollIoHandle.class)) {
                p = new EpollPoller(this);
            } else if (loop.isCompatible(IoUringIoHandle.class)) {
                p = new IoUringPoller(this);
            } else {
                started.setFailure(new IllegalArgumentException("event loop " + loop + " runs neither epoll nor io_uring"));
                return;
            }
            poller = p;
            loop.register(p).addListener(f -> {
                if (!f.isSuccess()) {
                    started.setFailure(f.cause());
                    return;
                }
                registration = (IoRegistration) f.getNow();
                p.arm(registration);
                started.setSuccess(null);
            });
        });
        return started;
    }

    /**
     * Stops reading and closes the TAP; safe to call more than once.
     *
     * @return completes when the device is closed
     */
    public Future<Void> stop() {
        IoEventLoop l = loop;
        if (l == null) {
            closeDevice();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        Promise<Void> done = l.newPromise();
        l.execute(() -> {
            if (stopped == null) {
                stopped = l.newPromise();
                stopping = true;
                if (registration == null || !registration.isValid()) {
                    closeDevice();
                } else {
                    poller.disarm(registration);
                    registration.cancel();
                }
            }
            stopped.addListener(f -> done.setSuccess(null));
        });
        return done;
    }

    /** Called by the poller once the loop no longer polls the fd: now it may be closed. */
    void unregistered() {
        closeDevice();
    }

    private void closeDevice() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tap.close();
        } catch (IOException e) {
            LOG.warn("closing TAP port {}: {}", this, e.toString());
        }
        if (stopped != null) {
            stopped.trySuccess(null);
        }
    }

    /** Reads up to {@link #READ_BUDGET} frames; called by the poller when the TAP is readable. */
    void readReady() {
        if (stopping) {
            return;
        }
        ByteBuf buf = readBuffer;
        int frames = 0;
        try {
            while (frames < READ_BUDGET) {
                buf.clear();
                int n = tap.read(buf);
                if (n == 0) {
                    break;
                }
                frames++;
                handler.onFrame(this, buf, 0, n);
            }
        } catch (IOException e) {
            // EBADFD and the like: the interface is gone (its namespace was removed). Stop
            // polling a descriptor that would otherwise report readiness forever.
            LOG.warn("TAP port {} stops reading: {}", this, e.toString());
            handler.onBatchEnd();
            stop();
            return;
        }
        handler.onBatchEnd();
        if (frames == READ_BUDGET) {
            loop.execute(readAgain);
        }
    }

    @Override
    public boolean write(ByteBuf buf, int offset, int length) {
        if (closed) {
            return false;
        }
        int reader = buf.readerIndex();
        int writer = buf.writerIndex();
        try {
            buf.setIndex(offset, offset + length);
            return tap.write(buf) == length;
        } catch (IOException e) {
            // EIO while the interface is down: the frame is dropped and counted by the caller.
            return false;
        } finally {
            buf.setIndex(reader, writer);
        }
    }

    int fd() {
        return tap.fd();
    }

    @Override
    public String toString() {
        return "TapPort(" + tap.name() + ", id " + id + ", vni " + vni + ")";
    }

    /** The transport-specific way the loop watches the TAP's fd. */
    private interface Poller extends IoHandle {
        /** Asks the loop to report readability; on the loop, after registration. */
        void arm(IoRegistration registration);

        /** Withdraws what {@link #arm} asked for, before the registration is cancelled. */
        void disarm(IoRegistration registration);
    }

    /** Edge-triggered epoll on the TAP's fd. */
    private static final class EpollPoller implements Poller, EpollIoHandle {
        private final TapPort port;
        private final FileDescriptor fd;

        EpollPoller(TapPort port) {
            this.port = port;
            // A view of the number only: it is never closed through this object.
            this.fd = new FileDescriptor(port.fd());
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void arm(IoRegistration registration) {
            registration.submit(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLET));
        }

        @Override
        public void disarm(IoRegistration registration) {
            // Cancelling the registration removes the fd from the epoll set.
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            port.readReady();
        }

        @Override
        public void unregistered() {
            port.unregistered();
        }

        @Override
        public void close() {
            port.unregistered();
        }
    }

    /** A multishot io_uring poll on the TAP's fd, re-armed if the kernel ends it. */
    private static final class IoUringPoller implements Poller, IoUringIoHandle {
        private static final byte IORING_OP_POLL_ADD = 6;
        private static final byte IORING_OP_ASYNC_CANCEL = 14;
        private static final int IORING_POLL_ADD_MULTI = 1;
        private static final int IORING_CQE_F_MORE = 2;
        private static final int POLLIN = 0x001;

        private final TapPort port;
        private long pollId;

        IoUringPoller(TapPort port) {
            this.port = port;
        }

        @Override
        public void arm(IoRegistration registration) {
            // io_uring_prep_poll_multishot: the poll mask in the op flags, the multishot flag in len.
            pollId = registration.submit(new IoUringIoOps(IORING_OP_POLL_ADD, (byte) 0,
                    (short) 0, port.fd(), 0L, 0L, IORING_POLL_ADD_MULTI, POLLIN, (short) 0, (short) 0, (short) 0, 0, 0L));
        }

        @Override
        public void disarm(IoRegistration registration) {
            // The registration goes away only when no completion is outstanding, so the
            // multishot poll must be cancelled first; its final completion then frees it.
            registration.submit(new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0,
                    (short) 0, -1, 0L, pollId, 0, 0, (short) 0, (short) 0, (short) 0, 0, 0L));
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            IoUringIoEvent e = (IoUringIoEvent) event;
            if (e.opcode() != IORING_OP_POLL_ADD) {
                return;
            }
            if (e.res() >= 0) {
                port.readReady();
            }
            if ((e.flags() & IORING_CQE_F_MORE) == 0 && !port.stopping && registration.isValid()) {
                arm(registration);
            }
        }

        @Override
        public void unregistered() {
            port.unregistered();
        }

        @Override
        public void close() {
            port.unregistered();
        }
    }
}
