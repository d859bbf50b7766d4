package io.swarmnet.control.tables;

import io.swarmnet.packet.Ipv4Address;
import java.util.List;
import java.util.Objects;

/**
 * What one name answers with on one network: IPv4 addresses (A), names (PTR) and service
 * locations (SRV). A record holds at least one of them; the DNS server rotates addresses.
 *
 * @param addresses the A records, ascending (unsigned)
 * @param pointers  the PTR targets, lowercase, without a trailing dot, in build order
 * @param services  the SRV records, in build order
 */
public record DnsRecord(List<Integer> addresses, List<String> pointers, List<Srv> services) {

    public DnsRecord {
        addresses = List.copyOf(addresses);
        pointers = List.copyOf(pointers);
        services = List.copyOf(services);
    }

    /** A name that answers with addresses only. */
    public DnsRecord(List<Integer> addresses) {
        this(addresses, List.of(), List.of());
    }

    /**
     * One SRV answer (RFC 2782): where the service behind a published port listens.
     *
     * @param port   the port to connect to on {@code target}
     * @param target the name to resolve, lowercase, without a trailing dot
     */
    public record Srv(int port, String target) {
        public Srv {
            Objects.requireNonNull(target, "target");
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(addresses.stream().map(Ipv4Address::toString).toList().toString());
        if (!pointers.isEmpty()) {
            s.append(" ptr ").append(pointers);
        }
        if (!services.isEmpty()) {
            s.append(" srv ").append(services);
        }
        return s.toString();
    }
}
