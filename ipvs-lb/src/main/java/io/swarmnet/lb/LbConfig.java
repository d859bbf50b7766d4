package io.swarmnet.lb;

import java.time.Duration;

/**
 * How the load balancer tracks connections: the conntrack table's size and embryonic
 * budget, and the idle timeout of each flow state. Immutable; made by {@link #builder}.
 *
 * <p>Why the established-TCP timeout defaults to 2 hours: it is the kernel's TCP keepalive
 * time, so a connection kept alive by the kernel's defaults is never forgotten in between.
 * Docker's IPVS forgets idle connections after 900 s and breaks them silently (moby#31208).
 */
public final class LbConfig {
    /** The defaults. */
    public static final LbConfig DEFAULT = builder().build();

    private final int conntrackMax;
    private final int embryonicMax;
    private final Duration tcpSynTimeout;
    private final Duration tcpEstablishedTimeout;
    private final Duration tcpFinTimeout;
    private final Duration tcpCloseTimeout;
    private final Duration udpTimeout;

    private LbConfig(Builder b) {
        this.conntrackMax = b.conntrackMax;
        this.embryonicMax = b.embryonicMax > 0 ? Math.min(b.embryonicMax, b.conntrackMax) : Math.max(1, b.conntrackMax / 4);
        this.tcpSynTimeout = b.tcpSynTimeout;
        this.tcpEstablishedTimeout = b.tcpEstablishedTimeout;
        this.tcpFinTimeout = b.tcpFinTimeout;
        this.tcpCloseTimeout = b.tcpCloseTimeout;
        this.udpTimeout = b.udpTimeout;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the most flows tracked at once; 65536 by default. */
    public int conntrackMax() {
        return conntrackMax;
    }

    /** Returns the most embryonic TCP flows (handshake not complete) tracked at once; a quarter of the table by default. */
    public int embryonicMax() {
        return embryonicMax;
    }

    /** Returns how long a TCP flow waits for its handshake to complete; 60 s by default. */
    public Duration tcpSynTimeout() {
        return tcpSynTimeout;
    }

    /** Returns how long an established TCP flow may be idle; 2 h by default. */
    public Duration tcpEstablishedTimeout() {
        return tcpEstablishedTimeout;
    }

    /** Returns how long a TCP flow lives after its first FIN; 120 s by default, as IPVS's {@code tcpfin}. */
    public Duration tcpFinTimeout() {
        return tcpFinTimeout;
    }

    /** Returns how long a TCP flow lives after a RST or both FINs; 10 s by default. */
    public Duration tcpCloseTimeout() {
        return tcpCloseTimeout;
    }

    /** Returns how long a UDP flow may be idle; 300 s by default, as IPVS's {@code udp}. */
    public Duration udpTimeout() {
        return udpTimeout;
    }

    @Override
    public String toString() {
        return "LbConfig(conntrack " + conntrackMax + ", embryonic " + embryonicMax + ", syn " + tcpSynTimeout
                + ", established " + tcpEstablishedTimeout + ", fin " + tcpFinTimeout + ", close " + tcpCloseTimeout
                + ", udp " + udpTimeout + ")";
    }

    /** Builds an {@link LbConfig}; checks each value as it is set. */
    public static final class Builder {
        private int conntrackMax = 65536;
        private int embryonicMax;
        private Duration tcpSynTimeout = Duration.ofSeconds(60);
        private Duration tcpEstablishedTimeout = Duration.ofHours(2);
        private Duration tcpFinTimeout = Duration.ofSeconds(120);
        private Duration tcpCloseTimeout = Duration.ofSeconds(10);
        private Duration udpTimeout = Duration.ofSeconds(300);

        private Builder() {
        }

        /** Sets the conntrack table size, 16 to 2^24 flows. */
        public Builder conntrackMax(int flows) {
            if (flows < 16 || flows > 1 << 24) {
                throw new IllegalArgumentException("conntrack max " + flows + " is outside 16..16777216");
            }
            this.conntrackMax = flows;
            return this;
        }

        /** Sets the embryonic budget, 1 or more (capped at the table size). */
        public Builder embryonicMax(int flows) {
            if (flows < 1) {
                throw new IllegalArgumentException("embryonic max " + flows + " is below 1");
            }
            this.embryonicMax = flows;
            return this;
        }

        public Builder tcpSynTimeout(Duration timeout) {
            this.tcpSynTimeout = check(timeout, "TCP SYN");
            return this;
        }

        public Builder tcpEstablishedTimeout(Duration timeout) {
            this.tcpEstablishedTimeout = check(timeout, "TCP established");
            return this;
        }

        public Builder tcpFinTimeout(Duration timeout) {
            this.tcpFinTimeout = check(timeout, "TCP FIN");
            return this;
        }

        public Builder tcpCloseTimeout(Duration timeout) {
            this.tcpCloseTimeout = check(timeout, "TCP close");
            return this;
        }

        public Builder udpTimeout(Duration timeout) {
            this.udpTimeout = check(timeout, "UDP");
            return this;
        }

        public LbConfig build() {
            return new LbConfig(this);
        }

        private static Duration check(Duration timeout, String what) {
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException(what + " timeout " + (timeout == null ? "null" : timeout.toSeconds() + "s")
                        + " is outside 1s..30d");
            }
            return timeout;
        }
    }
}
