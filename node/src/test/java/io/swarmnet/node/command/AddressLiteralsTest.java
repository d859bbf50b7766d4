package io.swarmnet.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressLiteralsTest {

    @Test
    void parsesIpv4AndIpv6Literals() {
        assertThat(AddressLiterals.parseIp("192.0.2.11").getHostAddress()).isEqualTo("192.0.2.11");
        assertThat(AddressLiterals.parseIp("fd00::11").getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:11");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "eth0", "192.0.2", "192.0.2.256", "192.0.2.1.5", "1.2.3.4x", "fd00::g", "::1%lo"})
    void rejectsWhatIsNotALiteralWithoutLookingItUp(String text) {
        assertThatThrownBy(() -> AddressLiterals.parseIp(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not an IP address");
    }

    @Test
    void parsesIpPortWithIpv6InBrackets() {
        assertThat(AddressLiterals.parseIpPort("192.0.2.11:9323")).isEqualTo(new InetSocketAddress("192.0.2.11", 9323));
        assertThat(AddressLiterals.parseIpPort("[::1]:0").getPort()).isZero();
        assertThat(AddressLiterals.parseIpPort("[::1]:9323").getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void rejectsBadIpPortSayingWhatIsWrong() {
        assertThatThrownBy(() -> AddressLiterals.parseIpPort("9323")).hasMessage("'9323' is not IP:PORT");
        assertThatThrownBy(() -> AddressLiterals.parseIpPort("::1:9323")).hasMessageContaining("put an IPv6 address in brackets");
        assertThatThrownBy(() -> AddressLiterals.parseIpPort("127.0.0.1:65536")).hasMessage("'127.0.0.1:65536' has no valid port (0-65535)");
        assertThatThrownBy(() -> AddressLiterals.parseIpPort("127.0.0.1:")).hasMessage("'127.0.0.1:' has no valid port (0-65535)");
    }
}
