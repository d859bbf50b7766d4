package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;

/**
 * Hashes the flow of an inner Ethernet frame, so that every frame of one flow leaves by the
 * same outer UDP source port and no two flows are tied to one without need (RFC 7348 §5:
 * "a hash of fields from the inner packet", for ECMP and RSS in the underlay).
 *
 * <p>TCP and UDP over IPv4 hash the 5-tuple; other IPv4 the addresses and protocol; any
 * other frame its MACs and EtherType. Fragments hash without ports, so all fragments of a
 * datagram stay together. Reads the frame with absolute indices; never allocates.
 */
final class FlowHash {
    private static final int ETHER_TYPE = 12;
    private static final int IP_PROTOCOL = 9;
    private static final int IP_FRAGMENT = 6;
    private static final int IP_SRC = 12;

    private FlowHash() {
    }

    /** Returns the hash of the untagged or 802.1Q-tagged frame of {@code length} bytes at {@code offset}. */
    static int of(ByteBuf buf, int offset, int length) {
        int l3 = offset + EthernetView.HEADER_LENGTH;
        int etherType = buf.getUnsignedShort(offset + ETHER_TYPE);
        if (etherType == EthernetView.TYPE_VLAN && length >= EthernetView.VLAN_HEADER_LENGTH) {
            l3 = offset + EthernetView.VLAN_HEADER_LENGTH;
            etherType = buf.getUnsignedShort(l3 - 2);
        }
        int end = offset + length;
        if (etherType == EthernetView.TYPE_IPV4 && end - l3 >= Ipv4View.MIN_HEADER_LENGTH) {
            int ihl = (buf.getUnsignedByte(l3) & 0x0F) << 2;
            int protocol = buf.getUnsignedByte(l3 + IP_PROTOCOL);
            long addresses = buf.getLong(l3 + IP_SRC);
            long ports = 0;
            boolean fragment = (buf.getUnsignedShort(l3 + IP_FRAGMENT) & 0x3FFF) != 0;
            if (!fragment && (protocol == Ipv4View.PROTOCOL_TCP || protocol == Ipv4View.PROTOCOL_UDP)
                    && ihl >= Ipv4View.MIN_HEADER_LENGTH && end - l3 >= ihl + 4) {
                ports = buf.getUnsignedInt(l3 + ihl);
            }
            return mix(addresses ^ mix64(ports << 8 | protocol));
        }
        long macs = buf.getLong(offset) ^ ((long) buf.getInt(offset + 8) << 16);
        return mix(macs ^ etherType);
    }

    /** Maps a flow hash onto {@code count} choices (sockets, ports) evenly. */
    static int choose(int hash, int count) {
        return (int) (((hash & 0xFFFF_FFFFL) * count) >>> 32);
    }

    private static int mix(long value) {
        return (int) mix64(value);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit reaches every output bit. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
