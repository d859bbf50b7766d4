package io.swarmnet.dns;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The resolver's counters: queries by type and response code, forwarding, drops and a
 * latency histogram. Written by the event loop and the forwarder threads, read at scrape
 * time; a fixed set of labels, so /metrics stays bounded whatever clients send.
 */
public final class DnsCounters {
    /** The query types counted on their own; everything else is {@link #OTHER}. */
    public enum QueryType {
        A, AAAA, PTR, SRV, ANY, OTHER;

        /** The label for metrics. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The response codes counted on their own (RFC 1035 section 4.1.1); the rest are {@code other}. */
    public static final String[] RCODES = {"noerror", "formerr", "servfail", "nxdomain", "notimp", "refused", "other"};

    /** Upper bounds of the latency buckets, in seconds; the last bucket is +Inf. */
    public static final double[] LATENCY_BOUNDS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final AtomicLongArray queries = new AtomicLongArray(QueryType.values().length * RCODES.length);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong upstreamFailures = new AtomicLong();
    private final AtomicLong forwardRejected = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLongArray latency = new AtomicLongArray(LATENCY_BOUNDS.length + 1);
    private final AtomicLong latencySumNanos = new AtomicLong();

    static QueryType type(int rrType) {
        return switch (rrType) {
            case 1 -> QueryType.A;
            case 28 -> QueryType.AAAA;
            case 12 -> QueryType.PTR;
            case 33 -> QueryType.SRV;
            case 255 -> QueryType.ANY;
            default -> QueryType.OTHER;
        };
    }

    void answered(QueryType type, int rcode, long nanos) {
        int r = rcode >= 0 && rcode < RCODES.length - 1 ? rcode : RCODES.length - 1;
        queries.incrementAndGet(type.ordinal() * RCODES.length + r);
        double seconds = nanos / 1e9;
        int bucket = 0;
        while (bucket < LATENCY_BOUNDS.length && seconds > LATENCY_BOUNDS[bucket]) {
            bucket++;
        }
        latency.incrementAndGet(bucket);
        latencySumNanos.addAndGet(nanos);
    }

    void countForwarded() {
        forwarded.incrementAndGet();
    }

    void countUpstreamFailure() {
        upstreamFailures.incrementAndGet();
    }

    void countForwardRejected() {
        forwardRejected.incrementAndGet();
    }

    void countMalformed() {
        malformed.incrementAndGet();
    }

    void countTruncated() {
        truncated.incrementAndGet();
    }

    /** Queries answered with {@code rcode} (an index of {@link #RCODES}). */
    public long queries(QueryType type, int rcode) {
        return queries.get(type.ordinal() * RCODES.length + rcode);
    }

    /** Every query answered, whatever its type and code. */
    public long queries() {
        long n = 0;
        for (int i = 0; i < queries.length(); i++) {
            n += queries.get(i);
        }
        return n;
    }

    /** Queries sent upstream. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Upstream attempts that timed out, failed or answered SERVFAIL or REFUSED. */
    public long upstreamFailures() {
        return upstreamFailures.get();
    }

    /** Queries refused a forward because {@link DnsConfig#maxForwarded} were in flight. */
    public long forwardRejected() {
        return forwardRejected.get();
    }

    /** Datagrams and TCP messages dropped unanswered: too short for a header, or not a query. */
    public long malformed() {
        return malformed.get();
    }

    /** UDP answers cut to the client's size with TC set. */
    public long truncated() {
        return truncated.get();
    }

    /** Answers with latency in bucket {@code i} (not cumulative); bucket {@code LATENCY_BOUNDS.length} is +Inf. */
    public long latencyBucket(int i) {
        return latency.get(i);
    }

    /** The sum of all answer latencies, in seconds. */
    public double latencySumSeconds() {
        return latencySumNanos.get() / 1e9;
    }
}
