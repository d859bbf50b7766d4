package io.swarmnet.node.dns;

import io.swarmnet.control.tables.DnsKey;
import io.swarmnet.control.tables.DnsRecord;
import io.swarmnet.control.tables.Table;
import io.swarmnet.dns.DnsEntry;
import io.swarmnet.dns.DnsSrv;
import io.swarmnet.dns.DnsTable;
import java.util.HashMap;
import java.util.Map;

/** Maps the control plane's DNS table to the resolver's snapshot; the dns module never sees {@code control}. */
public final class DnsTablesMapper {
    private DnsTablesMapper() {
    }

    /** One entry per name and network, as the control plane computed them. */
    public static DnsTable map(Table<DnsKey, DnsRecord> dns) {
        Map<String, Map<String, DnsEntry>> byNetwork = new HashMap<>();
        dns.entries().forEach((key, record) -> byNetwork.computeIfAbsent(key.networkId(), n -> new HashMap<>())
                .put(key.name(), new DnsEntry(record.addresses(), record.pointers(),
                        record.services().stream().map(s -> new DnsSrv(s.port(), s.target())).toList())));
        return DnsTable.of(byNetwork);
    }
}
