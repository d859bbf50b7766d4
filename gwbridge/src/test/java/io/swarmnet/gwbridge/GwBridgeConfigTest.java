package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GwBridgeConfigTest {
    private static final Path DATA = Path.of("/var/lib/swarmnet");

    @Test
    void defaultsAreDockersBridgeAndPoolWithTheFirstAddressAsGateway() {
        GwBridgeConfig config = GwBridgeConfig.defaults(DATA);

        assertThat(config.bridgeName()).isEqualTo("docker_gwbridge");
        assertThat(config.pool()).isEqualTo("172.18.0.0/16");
        assertThat(config.gateway()).isEqualTo(0xac120001);
        assertThat(config.stateFile()).isEqualTo(DATA.resolve("gwbridge.json"));
    }

    @Test
    void explicitGatewayAndBridgeNameAreKept() {
        GwBridgeConfig config = GwBridgeConfig.parse("10.200.0.0/24", "10.200.0.254", DATA).withBridgeName("sn_gw");

        assertThat(config.gateway()).isEqualTo(0x0ac800fe);
        assertThat(config.bridgeName()).isEqualTo("sn_gw");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "172.18.0.0       | gwbridge pool '172.18.0.0' is not an IPv4 prefix like 172.18.0.0/16",
        "172.18.0.0/      | gwbridge pool '172.18.0.0/' is not an IPv4 prefix like 172.18.0.0/16",
        "172.18.0.0/33    | gwbridge pool '172.18.0.0/33' is not an IPv4 prefix like 172.18.0.0/16",
        "172.18.0.0/+1    | gwbridge pool '172.18.0.0/+1' is not an IPv4 prefix like 172.18.0.0/16",
        "172.18.0/16      | gwbridge pool '172.18.0/16' is not an IPv4 prefix like 172.18.0.0/16",
        "172.18.0.1/16    | gwbridge pool 172.18.0.1/16 has host bits set (the network is 172.18.0.0/16)",
        "172.18.0.0/31    | gwbridge pool 172.18.0.0/31 is too small: it needs room for the network, the gateway, a task and the broadcast address (use /30 or larger)",
        "10.0.0.0/7       | gwbridge pool 10.0.0.0/7 is too large (use /8 to /30)",
        "127.0.0.0/8      | gwbridge pool 127.0.0.0/8 is not a unicast range a bridge can route (not 0/8, 127/8, multicast or reserved)",
        "224.1.0.0/16     | gwbridge pool 224.1.0.0/16 is not a unicast range a bridge can route (not 0/8, 127/8, multicast or reserved)",
    })
    void malformedPoolsAreRefusedOnOneLine(String pool, String message) {
        assertThatThrownBy(() -> GwBridgeConfig.parse(pool, null, DATA))
                .isInstanceOf(GwBridgeConfigException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "10.0.0.1     | gwbridge gateway 10.0.0.1 is outside the pool 172.18.0.0/16",
        "172.18.0.0   | gwbridge gateway 172.18.0.0 is the network address of the pool 172.18.0.0/16",
        "172.18.255.255 | gwbridge gateway 172.18.255.255 is the broadcast address of the pool 172.18.0.0/16",
        "172.18.0.256 | gwbridge gateway '172.18.0.256' is not an IPv4 address like 172.18.0.1",
    })
    void gatewaysThatDoNotFitThePoolAreRefused(String gateway, String message) {
        assertThatThrownBy(() -> GwBridgeConfig.parse("172.18.0.0/16", gateway, DATA))
                .isInstanceOf(GwBridgeConfigException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                 | gwbridge bridge name is empty",
        "a-very-long-bridge | gwbridge bridge name 'a-very-long-bridge' is longer than the kernel's 15 bytes",
        "br\"0              | may hold only letters, digits",
        "br 0               | may hold only letters, digits",
        "gw0123456789       | gwbridge bridge name 'gw0123456789' looks like one of its task ports",
    })
    void badBridgeNamesAreRefused(String name, String message) {
        GwBridgeConfig config = GwBridgeConfig.defaults(DATA);

        assertThatThrownBy(() -> config.withBridgeName(name))
                .isInstanceOf(GwBridgeConfigException.class).hasMessageContaining(message);
    }
}
