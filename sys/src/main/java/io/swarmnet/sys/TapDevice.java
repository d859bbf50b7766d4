package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;

/**
 * An open TAP device: a file descriptor that reads and writes one Ethernet frame per call.
 *
 * <p>With {@link IfTun#IFF_VNET_HDR} every frame read or written starts with a
 * {@link VirtioNetHdr} of {@link #vnetHeaderSize()} bytes. Once {@link #setOffload} accepts
 * TSO, a read may return a super-frame of up to 64 KiB plus that header, so read buffers
 * must be that large; a frame longer than the buffer is cut short.
 *
 * <p>WARNING: closing the device while another thread reads or writes it can make that
 * thread use a recycled descriptor number; stop the I/O threads first.
 */
public final class TapDevice implements Closeable {
    /** Size of {@code struct virtio_net_hdr}, the kernel's default header size. */
    public static final int DEFAULT_VNET_HDR_SIZE = VirtioNetHdr.LENGTH;

    private static final long FIONBIO = 0x5421L;
    private static final short POLLIN = 0x001;
    private static final int POLLFD_SIZE = 8;
    private static final int POLLFD_EVENTS = 4;
    private static final int POLLFD_REVENTS = 6;

    private final int fd;
    private final String name;
    private final boolean vnetHeader;
    private volatile int vnetHeaderSize;
    private volatile boolean closed;

    TapDevice(int fd, String name, int flags) {
        this.fd = fd;
        this.name = name;
        this.vnetHeader = (flags & IfTun.IFF_VNET_HDR) != 0;
        this.vnetHeaderSize = vnetHeader ? DEFAULT_VNET_HDR_SIZE : 0;
    }

    /** The raw file descriptor, for an event loop to poll. */
    public int fd() {
        return fd;
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /** The bytes of {@link VirtioNetHdr} before every frame; 0 without IFF_VNET_HDR. */
    public int vnetHeaderSize() {
        return vnetHeaderSize;
    }

    /**
     * Tells the kernel which offloads we can take: {@link IfTun#TUN_F_CSUM},
     * {@link IfTun#TUN_F_TSO4} and the rest; 0 turns them all off.
     *
     * @throws IllegalStateException for offloads on a device without IFF_VNET_HDR, which the
     *         kernel would accept although no header could then describe a super-frame
     */
    public void setOffload(int offloads) throws IOException {
        if (offloads != 0 && !vnetHeader) {
            throw new IllegalStateException(name + " was opened without IFF_VNET_HDR, offloads need it");
        }
        int res = Syscall.ioctl(fd, IfTun.TUNSETOFFLOAD, offloads & 0xffffffffL);
        if (res < 0) {
            throw Syscall.newIOException("ioctl TUNSETOFFLOAD " + name, res);
        }
    }

    /** Sets the size of the header before each frame (10, or 12 for virtio 1.0 framing). */
    public void setVnetHeaderSize(int size) throws IOException {
        if (!vnetHeader) {
            throw new IllegalStateException(name + " was opened without IFF_VNET_HDR");
        }
        intArgIoctl(IfTun.TUNSETVNETHDRSZ, size, "ioctl TUNSETVNETHDRSZ ");
        vnetHeaderSize = size;
    }

    /**
     * Has a multi-queue device pick the queue of each frame the kernel sends it by
     * {@code program}'s result modulo the number of queues (e.g.
     * {@link CpuSteering#queueByCpu()}), instead of by flow hash; {@code null} goes back to
     * the flow hash. Set on any one queue, it applies to the device.
     */
    public void setSteeringProgram(CpuSteering.BpfProgram program) throws IOException {
        intArgIoctl(IfTun.TUNSETSTEERINGEBPF, program == null ? -1 : program.fd(), "ioctl TUNSETSTEERINGEBPF ");
    }

    /** Switches between blocking reads and writes and ones that return 0 at once. */
    public void setNonBlocking(boolean nonBlocking) throws IOException {
        intArgIoctl(FIONBIO, nonBlocking ? 1 : 0, "ioctl FIONBIO ");
    }

    private void intArgIoctl(long request, int value, String call) throws IOException {
        ByteBuf arg = Buffers.scratch(4);
        try {
            Buffers.setHostInt(arg, 0, value);
            int res = Syscall.ioctl(fd, request, Buffers.address(arg, 0));
            if (res < 0) {
                throw Syscall.newIOException(call + name, res);
            }
        } finally {
            arg.release();
        }
    }

    /**
     * Reads one frame into native memory.
     *
     * @return the frame's length, or 0 if the device is non-blocking and has no frame
     */
    public int read(long address, int length) throws IOException {
        int res;
        do {
            res = Syscall.read(fd, address, length);
        } while (res == -Errno.EINTR);
        if (res >= 0) {
            return res;
        }
        if (res == -Errno.EAGAIN) {
            return 0;
        }
        throw Syscall.newIOException("read " + name, res);
    }

    /**
     * Writes one frame from native memory.
     *
     * @return the bytes written (the whole frame), or 0 if the device is non-blocking and
     *         its queue is full
     */
    public int write(long address, int length) throws IOException {
        int res;
        do {
            res = Syscall.write(fd, address, length);
        } while (res == -Errno.EINTR);
        if (res >= 0) {
            return res;
        }
        if (res == -Errno.EAGAIN) {
            return 0;
        }
        throw Syscall.newIOException("write " + name, res);
    }

    /**
     * Reads one frame into the writable bytes of a direct buffer and advances its writer
     * index.
     *
     * @return as {@link #read(long, int)}
     */
    public int read(ByteBuf dst) throws IOException {
        int n = read(Buffers.address(dst, dst.writerIndex()), dst.writableBytes());
        dst.writerIndex(dst.writerIndex() + Math.min(n, dst.writableBytes()));
        return n;
    }

    /**
     * Writes the readable bytes of a direct buffer as one frame and advances its reader
     * index.
     *
     * @return as {@link #write(long, int)}
     */
    public int write(ByteBuf src) throws IOException {
        int n = write(Buffers.address(src, src.readerIndex()), src.readableBytes());
        src.readerIndex(src.readerIndex() + n);
        return n;
    }

    /**
     * Waits until a frame can be read, for callers that don't run an event loop.
     *
     * @return true if a frame is waiting, false if the timeout passed first
     */
    public boolean awaitReadable(int timeoutMillis) throws IOException {
        ByteBuf pollfd = Buffers.scratch(POLLFD_SIZE);
        try {
            Buffers.setHostInt(pollfd, 0, fd);
            Buffers.setHostShort(pollfd, POLLFD_EVENTS, POLLIN);
            int res;
            do {
                res = Syscall.poll(Buffers.address(pollfd, 0), 1, timeoutMillis);
            } while (res == -Errno.EINTR);
            if (res < 0) {
                throw Syscall.newIOException("poll " + name, res);
            }
            return res > 0 && (Buffers.getHostUnsignedShort(pollfd, POLLFD_REVENTS) & POLLIN) != 0;
        } finally {
            pollfd.release();
        }
    }

    /** Closes the descriptor; a device that is not persistent disappears with it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Syscall.closeOrThrow(fd, "close " + name);
    }

    @Override
    public String toString() {
        return "TapDevice(" + name + ", fd " + fd + ")";
    }
}
