package io.swarmnet.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers the query nearly every task sends (one uncompressed question of class IN, type
 * A or AAAA, for an internal name, optionally with an EDNS0 OPT) straight from its bytes:
 * the answer is the query's header and question followed by prebuilt records, with no
 * message objects in between. Anything else returns null and takes the full dnsjava path,
 * which gives the same answer, so this is only ever a shortcut (RFC 1035 section 4.1).
 *
 * <pre>
 * header (12)  | question (name, type, class) | answers: C0 0C, type, class, TTL, 00 04, IPv4 | OPT (11)
 * </pre>
 */
final class WireAnswers {
    private static final int HEADER = 12;
    private static final int RR_A = 16;
    private static final int OPT = 11;
    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;
    private static final int MAX_NAME = 255;
    /** The question name being read, lowercase, reused per thread (the event loop, in production). */
    private static final ThreadLocal<char[]> NAME = ThreadLocal.withInitial(() -> new char[MAX_NAME]);

    private WireAnswers() {
    }

    /**
     * The answer in a buffer from {@code alloc} (the caller's to release), or null when the
     * query is not of the simple kind or the answer would not fit.
     */
    static ByteBuf answer(ByteBuf query, DnsTable table, List<String> networks, int ttl, boolean tcp,
                          ByteBufAllocator alloc) {
        int base = query.readerIndex();
        int end = query.writerIndex();
        int n = end - base;
        if (n < HEADER + 5 || (query.getByte(base + 2) & 0xf8) != 0 || query.getUnsignedShort(base + 4) != 1
                || query.getUnsignedShort(base + 6) != 0 || query.getUnsignedShort(base + 8) != 0
                || query.getUnsignedShort(base + 10) > 1) {
            return null;
        }
        char[] name = NAME.get();
        int length = 0;
        int at = HEADER;
        while (true) {
            int label = query.getUnsignedByte(base + at);
            at++;
            if (label == 0) {
                break;
            }
            // Pointers and extended label types are left to the full parser.
            if (label > 63 || at + label >= n || length + label + 1 > MAX_NAME) {
                return null;
            }
            if (length > 0) {
                name[length++] = '.';
            }
            for (int i = 0; i < label; i++) {
                int c = query.getUnsignedByte(base + at + i);
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return null;
                }
                name[length++] = (char) c;
            }
            at += label;
        }
        if (length == 0 || at + 4 > n) {
            return null;
        }
        int type = query.getUnsignedShort(base + at);
        if (query.getUnsignedShort(base + at + 2) != CLASS_IN || type != TYPE_A && type != TYPE_AAAA) {
            return null;
        }
        int questionEnd = at + 4;
        boolean edns = query.getUnsignedShort(base + 10) == 1;
        int limit = tcp ? DnsQueryHandler.MAX_TCP_SIZE : DnsQueryHandler.CLASSIC_UDP_SIZE;
        if (edns) {
            // The OPT: root name, type 41, payload size as class, extended rcode and version 0.
            int opt = base + questionEnd;
            if (questionEnd + OPT > n || query.getByte(opt) != 0 || query.getUnsignedShort(opt + 1) != TYPE_OPT
                    || query.getByte(opt + 6) != 0 || questionEnd + OPT + query.getUnsignedShort(opt + 9) != n) {
                return null;
            }
            if (!tcp) {
                limit = Math.min(DnsQueryHandler.MAX_UDP_SIZE,
                        Math.max(DnsQueryHandler.CLASSIC_UDP_SIZE, query.getUnsignedShort(opt + 3)));
            }
        } else if (questionEnd != n) {
            return null;
        }
        DnsEntry entry = table.find(networks, new String(name, 0, length));
        if (entry == null) {
            return null;
        }
        List<Integer> addresses = entry.addresses();
        int answers = type == TYPE_A ? addresses.size() : 0;
        int size = questionEnd + answers * RR_A + (edns ? OPT : 0);
        if (size > limit) {
            return null;
        }
        ByteBuf out = alloc.buffer(size);
        out.writeBytes(query, base, questionEnd);
        // QR, opcode QUERY, AA, RD as asked; RA; NOERROR.
        out.setByte(2, 0x84 | (query.getByte(base + 2) & 0x01));
        out.setByte(3, 0x80);
        out.setShort(6, answers);
        out.setShort(8, 0);
        out.setShort(10, edns ? 1 : 0);
        for (int i = 0; i < answers; i++) {
            out.writeShort(0xc000 | HEADER).writeShort(TYPE_A).writeShort(CLASS_IN).writeInt(ttl).writeShort(4)
                    .writeInt(addresses.get(i));
        }
        shuffle(out, questionEnd, answers);
        if (edns) {
            out.writeByte(0).writeShort(TYPE_OPT).writeShort(DnsQueryHandler.MAX_UDP_SIZE).writeInt(0).writeShort(0);
        }
        return out;
    }

    /** The type of the (uncompressed) question of a message this class answered. */
    static int questionType(ByteBuf msg) {
        int at = msg.readerIndex() + HEADER;
        while (msg.getByte(at) != 0) {
            at += msg.getUnsignedByte(at) + 1;
        }
        return msg.getUnsignedShort(at + 1);
    }

    /** Puts the addresses of the {@code count} A records from {@code at} in random order, as Docker answers dnsrr. */
    private static void shuffle(ByteBuf out, int at, int count) {
        if (count < 2) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int a = at + i * RR_A + 12;
            int b = at + j * RR_A + 12;
            int t = out.getInt(a);
            out.setInt(a, out.getInt(b));
            out.setInt(b, t);
        }
    }
}
