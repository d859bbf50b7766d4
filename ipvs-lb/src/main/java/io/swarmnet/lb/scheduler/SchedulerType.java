package io.swarmnet.lb.scheduler;

import java.util.Locale;

/** Which scheduler picks the backend of a service's new flows; chosen per service. */
public enum SchedulerType {
    /** Round-robin over the active backends: IPVS's {@code rr}, Docker's only choice. */
    RR,
    /** Weighted round-robin, smooth (no bursts to the heaviest backend): IPVS's {@code wrr}. */
    WRR,
    /** Maglev consistent hashing of the client's address and port (NSDI 2016): IPVS's {@code mh}. */
    MAGLEV;

    /** Returns the lowercase name used in JSON, the CLI and metrics. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code rr}, {@code wrr} or {@code maglev}, any case. */
    public static SchedulerType parse(String text) {
        for (SchedulerType t : values()) {
            if (t.label().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + text + "': expected rr, wrr or maglev");
    }
}
