package io.swarmnet.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Queries, a table and a fake upstream shared by the resolver's tests. */
final class TestQueries {
    static final String FRONT = "net-front";
    static final String BACK = "net-back";

    private TestQueries() {
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    static List<Integer> ips(String... dotted) {
        List<Integer> out = new ArrayList<>();
        for (String d : dotted) {
            out.add(ip(d));
        }
        return out;
    }

    /** 100 task addresses: an answer of 100 A records is over 1600 bytes. */
    static List<Integer> hundred() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            out.add(ip("10.0.1.0") + 10 + i);
        }
        return out;
    }

    /** front: web (VIP), tasks.web, web.1, big (100 tasks), PTR and SRV; back: db, and web with another VIP. */
    static DnsTable table() {
        return DnsTable.of(Map.of(
                FRONT, Map.of(
                        "web", DnsEntry.ofAddresses(ips("10.0.1.2")),
                        "web.front", DnsEntry.ofAddresses(ips("10.0.1.2")),
                        "tasks.web", DnsEntry.ofAddresses(ips("10.0.1.3", "10.0.1.4")),
                        "web.1", DnsEntry.ofAddresses(ips("10.0.1.3")),
                        "big", DnsEntry.ofAddresses(hundred()),
                        "3.1.0.10.in-addr.arpa", new DnsEntry(List.of(), List.of("web.1.t1.front"), List.of()),
                        "2.1.0.10.in-addr.arpa", new DnsEntry(List.of(), List.of("web.front"), List.of()),
                        "_8080._tcp.web", new DnsEntry(List.of(), List.of(), List.of(new DnsSrv(80, "web.front")))),
                BACK, Map.of(
                        "db", DnsEntry.ofAddresses(ips("10.0.2.2")),
                        "web", DnsEntry.ofAddresses(ips("10.0.2.9")))));
    }

    static byte[] query(String name, int type) {
        return message(name, type, -1).toWire();
    }

    /** A query with an EDNS0 OPT record offering {@code payload} bytes, or none for a negative payload. */
    static Message message(String name, int type, int payload) {
        try {
            Record q = Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN);
            Message m = Message.newQuery(q);
            m.getHeader().setID(0x1234);
            if (payload >= 0) {
                m.addRecord(new OPTRecord(payload, 0, 0), Section.ADDITIONAL);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean truncated(Message m) {
        return m.getHeader().getFlag(Flags.TC);
    }

    /** A forwarder that records what it is asked and answers from a canned reply (null: all upstreams failed). */
    static final class FakeForwarder implements DnsForwarder {
        final List<byte[]> asked = new ArrayList<>();
        byte[] reply;
        boolean full;

        @Override
        public boolean forward(byte[] query, Consumer<byte[]> done) {
            if (full) {
                return false;
            }
            asked.add(query);
            done.accept(reply);
            return true;
        }

        @Override
        public void close() {
        }
    }
}
