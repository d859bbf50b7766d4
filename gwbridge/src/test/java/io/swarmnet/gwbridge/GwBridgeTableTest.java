package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GwBridgeTableTest {

    @Test
    void masqueradesThePoolLeavingAnyOtherInterfaceAndDropsNewFlowsTowardsTheBridge() {
        GwBridgeConfig config = GwBridgeConfig.parse("10.200.0.0/24", null, Path.of("/tmp")).withBridgeName("sn_gw");

        assertThat(GwBridgeTable.body(config)).isEqualTo(""
                + "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    ip saddr 10.200.0.0/24 oifname != \"sn_gw\" masquerade\n"
                + "  }\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority filter; policy accept;\n"
                + "    oifname \"sn_gw\" ct state established,related accept\n"
                + "    oifname \"sn_gw\" ct status dnat accept\n"
                + "    oifname \"sn_gw\" counter drop\n"
                + "  }\n");
    }
}
