package io.swarmnet.dns;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every internal name the resolver answers, per network: an immutable snapshot the agent
 * builds from the control plane's DNS table and publishes whole, so a query reads one
 * consistent table without locks.
 */
public final class DnsTable {
    /** No names: every query is forwarded. */
    public static final DnsTable EMPTY = new DnsTable(Map.of());

    private final Map<String, Map<String, DnsEntry>> byNetwork;

    private DnsTable(Map<String, Map<String, DnsEntry>> byNetwork) {
        this.byNetwork = byNetwork;
    }

    /**
     * A table of {@code names} by network id, then by name (lowercase, no trailing dot).
     * The maps are copied.
     */
    public static DnsTable of(Map<String, Map<String, DnsEntry>> names) {
        Map<String, Map<String, DnsEntry>> copy = new HashMap<>();
        names.forEach((network, entries) -> copy.put(network, Map.copyOf(entries)));
        return new DnsTable(Map.copyOf(copy));
    }

    /**
     * The entry for {@code name} on the first of {@code networks} that has it, in the
     * asking task's network order (as Docker answers from the first network it finds), or
     * null when the name is not internal to any of them.
     *
     * @param name lowercase, without a trailing dot
     */
    public DnsEntry find(List<String> networks, String name) {
        for (int i = 0; i < networks.size(); i++) {
            Map<String, DnsEntry> names = byNetwork.get(networks.get(i));
            if (names != null) {
                DnsEntry entry = names.get(name);
                if (entry != null) {
                    return entry;
                }
            }
        }
        return null;
    }

    /** The number of names over all networks. */
    public int size() {
        int n = 0;
        for (Map<String, DnsEntry> names : byNetwork.values()) {
            n += names.size();
        }
        return n;
    }
}
