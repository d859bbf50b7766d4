package io.swarmnet.packet.testing;

import io.swarmnet.packet.EthernetView;
import io.swarmnet.packet.Ipv4View;
import java.util.Arrays;

/**
 * Reference frames for every module's packet tests, printed by
 * {@code packet/src/test/python/make_frames.py} (standard-library Python with its own
 * checksum, so byte-exact comparisons never check a module against itself), plus a
 * deliberately naive RFC 1071 checksum to cross-check {@code Checksums} against.
 */
public final class Frames {

    /** 02:42:0a:00:00:05 (10.0.0.5) asks who has 10.0.0.2; broadcast, padded to 60 bytes. */
    public static final byte[] ARP_REQUEST = hex(
            "ffff ffff ffff 0242 0a00 0005 0806 0001"
          + "0800 0604 0001 0242 0a00 0005 0a00 0005"
          + "0000 0000 0000 0a00 0002 0000 0000 0000"
          + "0000 0000 0000 0000 0000 0000");

    /** Ping 10.0.0.5 to 10.0.0.2: DF, TTL 64, IP id 0x1c46, ICMP id 0x0d2a, seq 1, 48 data bytes. */
    public static final byte[] ICMP_ECHO = hex(
            "0242 0a00 0002 0242 0a00 0005 0800 4500"
          + "004c 1c46 4000 4001 0a65 0a00 0005 0a00"
          + "0002 0800 6081 0d2a 0001 5c1b 6f65 0000"
          + "0000 1011 1213 1415 1617 1819 1a1b 1c1d"
          + "1e1f 2021 2223 2425 2627 2829 2a2b 2c2d"
          + "2e2f 3031 3233 3435 3637");

    /** Linux SYN 10.0.0.5:43512 to 10.0.0.2:80, options MSS 1460, SACK-permitted, timestamps, NOP, WS 7. */
    public static final byte[] TCP_SYN = hex(
            "0242 0a00 0002 0242 0a00 0005 0800 4500"
          + "003c 4a2f 4000 4006 dc86 0a00 0005 0a00"
          + "0002 a9f8 0050 5e1a 2b3c 0000 0000 a002"
          + "faf0 593d 0000 0204 05b4 0402 080a 9a3c"
          + "11f0 0000 0000 0103 0307");

    /** DNS query for example.com A from 10.0.0.5:53124 to 127.0.0.11:53; a 29-byte (odd) payload. */
    public static final byte[] UDP_DNS_QUERY = hex(
            "0242 0a00 0002 0242 0a00 0005 0800 4500"
          + "0039 7d01 4000 4011 34a3 0a00 0005 7f00"
          + "000b cf84 0035 0025 2b9f abcd 0100 0001"
          + "0000 0000 0000 0765 7861 6d70 6c65 0363"
          + "6f6d 0000 0100 01");

    /** {@link #ICMP_ECHO} in VXLAN, VNI 4097, from underlay 192.0.2.11:51234 to 192.0.2.21:4789, UDP checksum 0. */
    public static final byte[] VXLAN_ICMP = hex(
            "0242 c000 0215 0242 c000 020b 0800 4500"
          + "007e 0000 0000 4011 f64e c000 020b c000"
          + "0215 c822 12b5 006a 0000 0800 0000 0010"
          + "0100 0242 0a00 0002 0242 0a00 0005 0800"
          + "4500 004c 1c46 4000 4001 0a65 0a00 0005"
          + "0a00 0002 0800 6081 0d2a 0001 5c1b 6f65"
          + "0000 0000 1011 1213 1415 1617 1819 1a1b"
          + "1c1d 1e1f 2021 2223 2425 2627 2829 2a2b"
          + "2c2d 2e2f 3031 3233 3435 3637");

    /** Where the IPv4 header starts in an untagged frame. */
    public static final int IP = EthernetView.HEADER_LENGTH;
    /** Where the transport header starts after an option-less IPv4 header. */
    public static final int L4 = IP + Ipv4View.MIN_HEADER_LENGTH;

    public static final int TASK_A_IP = 0x0A000005;
    public static final long TASK_A_MAC = 0x02420A000005L;
    public static final int TASK_B_IP = 0x0A000002;
    public static final long TASK_B_MAC = 0x02420A000002L;

    private Frames() {
    }

    public static byte[] hex(String text) {
        String digits = text.replaceAll("\\s", "");
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    public static byte[] copy(byte[] frame) {
        return Arrays.copyOf(frame, frame.length);
    }

    /** RFC 1071 the slow way: big-endian byte pairs, odd byte padded, fold, complement. */
    public static int referenceChecksum(byte[] data, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            int high = data[i] & 0xFF;
            int low = i + 1 < to ? data[i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) ~sum & 0xFFFF;
    }

    /** The TCP or UDP checksum the slow way: pseudo-header bytes, then the segment. */
    public static int referenceL4Checksum(int src, int dst, int protocol, byte[] data, int from, int to) {
        int length = to - from;
        byte[] all = new byte[12 + length];
        int[] pseudo = {src >>> 24, src >>> 16, src >>> 8, src, dst >>> 24, dst >>> 16, dst >>> 8, dst,
                0, protocol, length >>> 8, length};
        for (int i = 0; i < 12; i++) {
            all[i] = (byte) pseudo[i];
        }
        System.arraycopy(data, from, all, 12, length);
        return referenceChecksum(all, 0, all.length);
    }
}
