package io.swarmnet.control.tables;

import io.swarmnet.control.model.Addresses;
import java.util.List;

/**
 * The IPv4 addresses (A records) one name answers with, in ascending order; the DNS server
 * rotates them.
 *
 * @param addresses the addresses, never empty
 */
public record DnsRecord(List<Integer> addresses) {

    public DnsRecord {
        addresses = List.copyOf(addresses);
    }

    @Override
    public String toString() {
        return addresses.stream().map(Addresses::formatIpv4).toList().toString();
    }
}
