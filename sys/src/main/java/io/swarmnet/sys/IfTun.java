package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Opens TAP devices through {@code /dev/net/tun}, mirroring {@code linux/if_tun.h}.
 *
 * <p>A task attaches to the overlay through a TAP: the agent holds the file descriptor and
 * reads and writes whole Ethernet frames on it. The device is created in the network
 * namespace of the calling thread, so open it inside {@link Netns#call} to put it into a
 * task's namespace; the descriptor then works from any thread.
 */
public final class IfTun {
    /** Flag for {@link #openTap}: every frame is preceded by a {@link VirtioNetHdr}. */
    public static final int IFF_VNET_HDR = 0x4000;
    /** Flag for {@link #openTap}: open one more queue of a multi-queue device. */
    public static final int IFF_MULTI_QUEUE = 0x0100;

    /** Offload for {@link TapDevice#setOffload}: we accept frames with partial checksums. */
    public static final int TUN_F_CSUM = 0x01;
    /** Offload: we accept TCP/IPv4 super-frames (needs {@link #TUN_F_CSUM}). */
    public static final int TUN_F_TSO4 = 0x02;
    /** Offload: we accept TCP/IPv6 super-frames (needs {@link #TUN_F_CSUM}). */
    public static final int TUN_F_TSO6 = 0x04;
    /** Offload: we accept TSO super-frames with ECN bits set. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** Offload: we accept UDP/IPv4 segmentation super-frames (kernel 6.2 and later). */
    public static final int TUN_F_USO4 = 0x20;
    /** Offload: we accept UDP/IPv6 segmentation super-frames (kernel 6.2 and later). */
    public static final int TUN_F_USO6 = 0x40;

    static final int IFF_TAP = 0x0002;
    static final int IFF_NO_PI = 0x1000;
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    /** {@code struct ifreq}: the name, then a 24-byte union whose first member is ifr_flags. */
    static final int IFREQ_SIZE = 40;
    static final int IFR_FLAGS = 16;

    private static final String DEV_NET_TUN = "/dev/net/tun";

    private IfTun() {
    }

    /**
     * Creates TAP device {@code name}, or attaches to it if it exists and is persistent or
     * multi-queue, in the calling thread's network namespace.
     *
     * @param name   the interface name, or {@code null} to let the kernel pick {@code tapN}
     * @param flags  {@link #IFF_VNET_HDR} and/or {@link #IFF_MULTI_QUEUE}, or 0; the device is
     *               always a TAP without packet information ({@code IFF_TAP | IFF_NO_PI})
     * @param nonBlocking whether reads and writes return 0 instead of waiting
     * @throws IllegalArgumentException for an invalid name or an unknown flag
     * @throws NativeIoException if the kernel refuses, e.g. EBUSY when a single-queue device
     *                           of that name is open already
     */
    public static TapDevice openTap(String name, int flags, boolean nonBlocking) throws IOException {
        byte[] nameBytes = name == null ? new byte[0] : IfName.check(name);
        if ((flags & ~(IFF_VNET_HDR | IFF_MULTI_QUEUE)) != 0) {
            throw new IllegalArgumentException("unsupported TAP flags 0x" + Integer.toHexString(flags));
        }
        // virtio_net_hdr fields are in the host's order unless TUNSETVNETLE says otherwise,
        // and VirtioNetHdr reads little-endian.
        if ((flags & IFF_VNET_HDR) != 0 && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("IFF_VNET_HDR needs a little-endian host");
        }
        String subject = name == null ? "" : " " + name;
        int openFlags = Syscall.O_RDWR | Syscall.O_CLOEXEC | (nonBlocking ? Syscall.O_NONBLOCK : 0);
        int fd = Syscall.open(DEV_NET_TUN, openFlags);
        if (fd < 0) {
            throw Syscall.newIOException("open " + DEV_NET_TUN, fd);
        }
        boolean success = false;
        ByteBuf ifreq = Buffers.scratch(IFREQ_SIZE);
        try {
            ifreq.setBytes(0, nameBytes);
            Buffers.setHostShort(ifreq, IFR_FLAGS, IFF_TAP | IFF_NO_PI | flags);
            int res = Syscall.ioctl(fd, TUNSETIFF, Buffers.address(ifreq, 0));
            if (res < 0) {
                throw Syscall.newIOException("ioctl TUNSETIFF" + subject, res);
            }
            TapDevice tap = new TapDevice(fd, Buffers.cString(ifreq, 0, IfName.IFNAMSIZ), flags);
            success = true;
            return tap;
        } finally {
            ifreq.release();
            if (!success) {
                Syscall.close(fd);
            }
        }
    }
}
