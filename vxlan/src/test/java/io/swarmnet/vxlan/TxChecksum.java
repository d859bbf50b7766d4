package io.swarmnet.vxlan;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmnet.sys.LibC;
import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code ethtool -K DEV tx off} for a test namespace, through the legacy {@code SIOCETHTOOL}
 * ioctl ({@code ETHTOOL_STXCSUM}), since this machine has no ethtool binary.
 *
 * <p>Why a test needs it: a veth offers checksum offload and passes a frame whose TCP
 * checksum is still partial ({@code CHECKSUM_PARTIAL}) to the next namespace as metadata.
 * Linux's vxlan keeps that metadata through encapsulation, so the inner checksum bytes on
 * the "wire" are only the pseudo-header sum; a user-space VTEP reading the datagram from a
 * socket cannot see the metadata, and the task behind it rightly drops the segment. On a
 * real NIC the hardware fills the checksum in; in the lab, turning checksum offload off on
 * the kernel task's veth makes its stack compute them, as ethtool does for user-space
 * tunnels over veth elsewhere.
 */
final class TxChecksum {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_STXCSUM = 0x17;
    private static final int IFREQ_SIZE = 40;
    private static final int IFR_DATA = 16;

    private TxChecksum() {
    }

    /** Turns transmit checksum offload (and with it TSO) off on {@code device} in {@code ns}. */
    static void disable(TestNamespace ns, String device) throws IOException {
        ns.netns().call(() -> {
            ByteBuf mem = Unpooled.directBuffer(IFREQ_SIZE + 8).setZero(0, IFREQ_SIZE + 8);
            int fd = LibC.INSTANCE.socket(AF_INET, SOCK_DGRAM, 0);
            try {
                if (fd < 0 || !mem.hasMemoryAddress()) {
                    throw new IOException("no socket or no native address for SIOCETHTOOL");
                }
                long base = mem.memoryAddress();
                mem.setBytes(0, device.getBytes(StandardCharsets.US_ASCII));
                mem.setLongLE(IFR_DATA, base + IFREQ_SIZE);
                mem.setIntLE(IFREQ_SIZE, ETHTOOL_STXCSUM);
                mem.setIntLE(IFREQ_SIZE + 4, 0);
                if (LibC.INSTANCE.ioctl(fd, SIOCETHTOOL, base) < 0) {
                    throw new IOException("SIOCETHTOOL ETHTOOL_STXCSUM " + device + " failed");
                }
                return null;
            } finally {
                if (fd >= 0) {
                    LibC.INSTANCE.close(fd);
                }
                mem.release();
            }
        });
    }
}
