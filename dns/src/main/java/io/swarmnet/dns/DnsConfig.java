package io.swarmnet.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The resolver's settings.
 *
 * @param ttlSeconds      the TTL of internal answers: short, so a task that left is soon
 *                        forgotten by caching clients (Docker's 600 s keeps dead backends)
 * @param upstreams       where other names go, tried in order, at most {@link #MAX_UPSTREAMS}; none
 *                        means every external name gets SERVFAIL
 * @param upstreamTimeout how long one upstream may take before the next is tried
 * @param maxForwarded    the bound on queries forwarded at once; beyond it a query gets SERVFAIL
 */
public record DnsConfig(int ttlSeconds, List<InetSocketAddress> upstreams, Duration upstreamTimeout, int maxForwarded) {
    /** As many upstreams as glibc's resolver reads from resolv.conf (MAXNS). */
    public static final int MAX_UPSTREAMS = 3;
    public static final int DEFAULT_TTL_SECONDS = 5;
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    /** Docker's embedded server allows 100 concurrent external queries. */
    public static final int DEFAULT_MAX_FORWARDED = 100;

    public DnsConfig {
        upstreams = List.copyOf(upstreams);
        Objects.requireNonNull(upstreamTimeout, "upstreamTimeout");
        if (ttlSeconds < 0 || ttlSeconds > 86_400) {
            throw new IllegalArgumentException("DNS TTL " + ttlSeconds + " is out of range: it must be 0-86400 seconds");
        }
        if (upstreams.size() > MAX_UPSTREAMS) {
            throw new IllegalArgumentException(upstreams.size() + " DNS upstreams given: at most " + MAX_UPSTREAMS);
        }
        if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("the upstream timeout must be positive");
        }
        if (maxForwarded < 1) {
            throw new IllegalArgumentException("at least one forwarded query must be allowed");
        }
    }

    /** The defaults with these upstreams. */
    public static DnsConfig withUpstreams(List<InetSocketAddress> upstreams) {
        return new DnsConfig(DEFAULT_TTL_SECONDS, upstreams, DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_MAX_FORWARDED);
    }
}
