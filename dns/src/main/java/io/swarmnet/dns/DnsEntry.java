package io.swarmnet.dns;

import java.util.List;

/**
 * What one internal name answers with on one network: IPv4 addresses (A), names (PTR)
 * and service locations (SRV). Immutable.
 *
 * @param addresses the A records as ints, network order ({@code 10.0.1.2} is {@code 0x0a000102})
 * @param pointers  PTR targets, lowercase, without a trailing dot
 * @param services  SRV answers
 */
public record DnsEntry(List<Integer> addresses, List<String> pointers, List<DnsSrv> services) {

    public DnsEntry {
        addresses = List.copyOf(addresses);
        pointers = List.copyOf(pointers);
        services = List.copyOf(services);
    }

    /** A name with addresses only. */
    public static DnsEntry ofAddresses(List<Integer> addresses) {
        return new DnsEntry(addresses, List.of(), List.of());
    }
}
