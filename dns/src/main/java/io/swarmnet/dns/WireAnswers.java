package io.swarmnet.dns;

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

    /** The answer, or null when the query is not of the simple kind or the answer would not fit. */
    static byte[] answer(byte[] q, DnsTable table, List<String> networks, int ttl, boolean tcp) {
        if (q.length < HEADER + 5 || (q[2] & 0xf8) != 0 || u16(q, 4) != 1 || u16(q, 6) != 0 || u16(q, 8) != 0
                || u16(q, 10) > 1) {
            return null;
        }
        char[] name = NAME.get();
        int length = 0;
        int at = HEADER;
        while (true) {
            int label = q[at] & 0xff;
            at++;
            if (label == 0) {
                break;
            }
            // Pointers and extended label types are left to the full parser.
            if (label > 63 || at + label >= q.length || length + label + 1 > MAX_NAME) {
                return null;
            }
            if (length > 0) {
                name[length++] = '.';
            }
            for (int i = 0; i < label; i++) {
                int c = q[at + i] & 0xff;
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return null;
                }
                name[length++] = (char) c;
            }
            at += label;
        }
        if (length == 0 || at + 4 > q.length) {
            return null;
        }
        int type = u16(q, at);
        if (u16(q, at + 2) != CLASS_IN || type != TYPE_A && type != TYPE_AAAA) {
            return null;
        }
        int questionEnd = at + 4;
        boolean edns = u16(q, 10) == 1;
        int limit = tcp ? DnsQueryHandler.MAX_TCP_SIZE : DnsQueryHandler.CLASSIC_UDP_SIZE;
        if (edns) {
            // The OPT: root name, type 41, payload size as class, extended rcode and version 0.
            if (questionEnd + OPT > q.length || q[questionEnd] != 0 || u16(q, questionEnd + 1) != TYPE_OPT
                    || q[questionEnd + 6] != 0 || questionEnd + OPT + u16(q, questionEnd + 9) != q.length) {
                return null;
            }
            if (!tcp) {
                limit = Math.min(DnsQueryHandler.MAX_UDP_SIZE, Math.max(DnsQueryHandler.CLASSIC_UDP_SIZE, u16(q, questionEnd + 3)));
            }
        } else if (questionEnd != q.length) {
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
        byte[] out = new byte[size];
        System.arraycopy(q, 0, out, 0, questionEnd);
        // QR, opcode QUERY, AA, RD as asked; RA; NOERROR.
        out[2] = (byte) (0x84 | (q[2] & 0x01));
        out[3] = (byte) 0x80;
        out[6] = (byte) (answers >> 8);
        out[7] = (byte) answers;
        out[10] = 0;
        out[11] = (byte) (edns ? 1 : 0);
        int w = questionEnd;
        int[] order = answers == 0 ? new int[0] : shuffled(addresses);
        for (int ip : order) {
            out[w] = (byte) 0xc0;
            out[w + 1] = HEADER;
            out[w + 3] = TYPE_A;
            out[w + 5] = CLASS_IN;
            putInt(out, w + 6, ttl);
            out[w + 11] = 4;
            putInt(out, w + 12, ip);
            w += RR_A;
        }
        if (edns) {
            out[w + 2] = TYPE_OPT;
            out[w + 3] = (byte) (DnsQueryHandler.MAX_UDP_SIZE >> 8);
            out[w + 4] = (byte) DnsQueryHandler.MAX_UDP_SIZE;
        }
        return out;
    }

    /** The type of the (uncompressed) question of a message this class answered. */
    static int questionType(byte[] msg) {
        int at = HEADER;
        while (msg[at] != 0) {
            at += (msg[at] & 0xff) + 1;
        }
        return u16(msg, at + 1);
    }

    private static int[] shuffled(List<Integer> addresses) {
        int[] out = new int[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = addresses.get(i);
        }
        if (out.length > 1) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = out.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }
        return out;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
