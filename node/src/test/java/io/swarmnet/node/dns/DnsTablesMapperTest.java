package io.swarmnet.node.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.tables.DnsKey;
import io.swarmnet.control.tables.DnsRecord;
import io.swarmnet.control.tables.Table;
import io.swarmnet.dns.DnsEntry;
import io.swarmnet.dns.DnsSrv;
import io.swarmnet.dns.DnsTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsTablesMapperTest {

    @Test
    void everyRecordLandsUnderItsNetworkWithAddressesPointersAndServices() {
        Table<DnsKey, DnsRecord> dns = Table.of(Map.of(
                new DnsKey("front", "web"), new DnsRecord(List.of(0x0a000102)),
                new DnsKey("back", "web"), new DnsRecord(List.of(0x0a000202)),
                new DnsKey("front", "2.1.0.10.in-addr.arpa"), new DnsRecord(List.of(), List.of("web.front"), List.of()),
                new DnsKey("front", "_8080._tcp.web"),
                new DnsRecord(List.of(), List.of(), List.of(new DnsRecord.Srv(80, "web.front")))));

        DnsTable table = DnsTablesMapper.map(dns);

        assertThat(table.size()).isEqualTo(4);
        assertThat(table.find(List.of("front"), "web")).isEqualTo(DnsEntry.ofAddresses(List.of(0x0a000102)));
        assertThat(table.find(List.of("back", "front"), "web").addresses()).containsExactly(0x0a000202);
        assertThat(table.find(List.of("front"), "2.1.0.10.in-addr.arpa").pointers()).containsExactly("web.front");
        assertThat(table.find(List.of("front"), "_8080._tcp.web").services()).containsExactly(new DnsSrv(80, "web.front"));
        assertThat(table.find(List.of("elsewhere"), "web")).isNull();
    }
}
