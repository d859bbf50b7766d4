package io.swarmnet.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers one query from the bytes a task sent: internal names from the published
 * {@link DnsTable}, scoped to the networks of the asking task, everything else through
 * the {@link DnsForwarder}. Transport-free, so the sockets, the tests and the fuzzer share it.
 *
 * <p>What each input gets: fewer than 12 bytes, or a message with QR set (a response,
 * never answered, so two resolvers cannot loop) is dropped and counted; bytes that do not
 * parse (compression loops, labels over 63 bytes, names over 255, truncated records) get
 * FORMERR; an opcode other than QUERY gets NOTIMP; no question or more than one gets
 * FORMERR. An internal name never goes upstream: AAAA and other types it has no data for
 * get an empty NOERROR (moby#35118).
 *
 * <p>The common query (A or AAAA for an internal name) is answered by {@link WireAnswers}
 * straight from its bytes; everything else is parsed and built with dnsjava.
 */
public final class DnsQueryHandler {
    /** RFC 1035 section 4.2.1: without EDNS a UDP answer is at most 512 bytes. */
    static final int CLASSIC_UDP_SIZE = 512;
    /** The largest UDP answer offered to clients that advertise more (RFC 6891 section 6.2.5 advice). */
    static final int MAX_UDP_SIZE = 4096;
    static final int MAX_TCP_SIZE = 65_535;
    private static final int HEADER = 12;

    private final DnsConfig config;
    private final DnsForwarder forwarder;
    private final DnsCounters counters;
    private volatile DnsTable table = DnsTable.EMPTY;

    public DnsQueryHandler(DnsConfig config, DnsForwarder forwarder, DnsCounters counters) {
        this.config = config;
        this.forwarder = forwarder;
        this.counters = counters;
    }

    /** Replaces the names answered, at once for every task. */
    public void publish(DnsTable table) {
        this.table = table;
    }

    public DnsTable table() {
        return table;
    }

    public DnsCounters counters() {
        return counters;
    }

    /**
     * Answers a query for an internal A or AAAA name straight from its bytes into a buffer
     * from {@code alloc}, with nothing allocated per query but that buffer and the name;
     * null when the query needs {@link #handle} (anything else, or an answer that would not
     * fit). The caller releases the answer.
     */
    public ByteBuf answerInternal(ByteBuf query, List<String> networks, boolean tcp, long start, ByteBufAllocator alloc) {
        ByteBuf out = WireAnswers.answer(query, table, networks, config.ttlSeconds(), tcp, alloc);
        if (out != null) {
            counters.answered(DnsCounters.type(WireAnswers.questionType(out)), 0, System.nanoTime() - start);
        }
        return out;
    }

    /**
     * Handles one query. {@code reply} gets the answer's bytes now (internal names, errors)
     * or later on a forwarder thread, or never for a dropped input.
     *
     * @param networks the ids of the networks of the task the query came from, its first network first
     * @param tcp      whether it came over TCP (answers up to 64 KiB) rather than UDP
     * @param start    {@link System#nanoTime()} at arrival, for the latency histogram
     */
    public void handle(byte[] wire, List<String> networks, boolean tcp, long start, Consumer<byte[]> reply) {
        if (wire.length < HEADER || (wire[2] & 0x80) != 0) {
            counters.countMalformed();
            return;
        }
        int id = (wire[0] & 0xff) << 8 | (wire[1] & 0xff);
        int opcode = (wire[2] >> 3) & 0x0f;
        boolean rd = (wire[2] & 0x01) != 0;
        if (opcode != Opcode.QUERY) {
            send(reply, DnsCounters.QueryType.OTHER, error(id, opcode, rd, Rcode.NOTIMP, null), start);
            return;
        }
        DnsTable current = table;
        ByteBuf fast = WireAnswers.answer(Unpooled.wrappedBuffer(wire), current, networks, config.ttlSeconds(), tcp,
                UnpooledByteBufAllocator.DEFAULT);
        if (fast != null) {
            try {
                send(reply, DnsCounters.type(WireAnswers.questionType(fast)), ByteBufUtil.getBytes(fast), start);
            } finally {
                fast.release();
            }
            return;
        }
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException | RuntimeException e) {
            send(reply, DnsCounters.QueryType.OTHER, error(id, opcode, rd, Rcode.FORMERR, null), start);
            return;
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getCount(Section.QUESTION) != 1) {
            send(reply, DnsCounters.QueryType.OTHER, error(id, opcode, rd, Rcode.FORMERR, null), start);
            return;
        }
        DnsCounters.QueryType type = DnsCounters.type(question.getType());
        OPTRecord opt = query.getOPT();
        int limit = tcp ? MAX_TCP_SIZE
                : opt == null ? CLASSIC_UDP_SIZE : Math.min(MAX_UDP_SIZE, Math.max(CLASSIC_UDP_SIZE, opt.getPayloadSize()));
        DnsEntry entry = question.getDClass() == DClass.IN
                ? current.find(networks, question.getName().toString(true).toLowerCase(Locale.ROOT)) : null;
        if (entry != null) {
            send(reply, type, encode(answer(current, id, rd, question, entry, networks, opt != null), limit), start);
        } else if (config.upstreams().isEmpty()) {
            send(reply, type, error(id, opcode, rd, Rcode.SERVFAIL, question), start);
        } else {
            forward(wire, id, rd, question, type, limit, start, reply);
        }
    }

    private void forward(byte[] wire, int id, boolean rd, Record question, DnsCounters.QueryType type, int limit,
                         long start, Consumer<byte[]> reply) {
        boolean started = forwarder.forward(wire, upstream -> {
            if (upstream == null) {
                send(reply, type, error(id, Opcode.QUERY, rd, Rcode.SERVFAIL, question), start);
            } else if (upstream.length <= limit) {
                send(reply, type, upstream, start);
            } else {
                send(reply, type, recode(upstream, id, rd, question, limit), start);
            }
        });
        if (started) {
            counters.countForwarded();
        } else {
            counters.countForwardRejected();
            send(reply, type, error(id, Opcode.QUERY, rd, Rcode.SERVFAIL, question), start);
        }
    }

    /** An upstream answer too large for the client's UDP size, cut with TC set so it retries over TCP. */
    private byte[] recode(byte[] upstream, int id, boolean rd, Record question, int limit) {
        try {
            return encode(new Message(upstream), limit);
        } catch (IOException | RuntimeException e) {
            return error(id, Opcode.QUERY, rd, Rcode.SERVFAIL, question);
        }
    }

    private byte[] encode(Message response, int limit) {
        byte[] out = response.toWire(limit);
        if ((out[2] & 0x02) != 0) {
            counters.countTruncated();
        }
        return out;
    }

    private void send(Consumer<byte[]> reply, DnsCounters.QueryType type, byte[] response, long start) {
        counters.answered(type, response[3] & 0x0f, System.nanoTime() - start);
        reply.accept(response);
    }

    private Message answer(DnsTable table, int id, boolean rd, Record question, DnsEntry entry, List<String> networks,
                           boolean edns) {
        Message m = response(id, rd, question);
        m.getHeader().setFlag(Flags.AA);
        Name name = question.getName();
        long ttl = config.ttlSeconds();
        int type = question.getType();
        if (type == Type.A || type == Type.ANY) {
            for (int ip : shuffled(entry.addresses())) {
                m.addRecord(new ARecord(name, DClass.IN, ttl, inet(ip)), Section.ANSWER);
            }
        }
        if (type == Type.PTR || type == Type.ANY) {
            for (String target : entry.pointers()) {
                Name n = absolute(target);
                if (n != null) {
                    m.addRecord(new PTRRecord(name, DClass.IN, ttl, n), Section.ANSWER);
                }
            }
        }
        if (type == Type.SRV || type == Type.ANY) {
            for (DnsSrv srv : entry.services()) {
                Name n = absolute(srv.target());
                if (n == null) {
                    continue;
                }
                m.addRecord(new SRVRecord(name, DClass.IN, ttl, 0, 0, srv.port(), n), Section.ANSWER);
                DnsEntry target = table.find(networks, srv.target());
                if (target != null) {
                    for (int ip : target.addresses()) {
                        m.addRecord(new ARecord(n, DClass.IN, ttl, inet(ip)), Section.ADDITIONAL);
                    }
                }
            }
        }
        if (edns) {
            m.addRecord(new OPTRecord(MAX_UDP_SIZE, 0, 0), Section.ADDITIONAL);
        }
        return m;
    }

    private static Message response(int id, boolean rd, Record question) {
        Message m = new Message(id);
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (rd) {
            h.setFlag(Flags.RD);
        }
        if (question != null) {
            m.addRecord(question, Section.QUESTION);
        }
        return m;
    }

    private static byte[] error(int id, int opcode, boolean rd, int rcode, Record question) {
        Message m = response(id, rd, question);
        m.getHeader().setOpcode(opcode);
        m.getHeader().setRcode(rcode);
        return m.toWire(CLASSIC_UDP_SIZE);
    }

    /** The addresses in random order, as Docker answers a dnsrr name, so clients spread over the tasks. */
    private static int[] shuffled(List<Integer> addresses) {
        int[] out = new int[addresses.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = addresses.get(i);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    private static InetAddress inet(int ip) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** {@code name.} or null for a name DNS cannot carry (a label over 63 bytes, over 255 in all). */
    private static Name absolute(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return null;
        }
    }
}
