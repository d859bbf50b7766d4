package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.5, 0x0a000005",
        "0.0.0.0, 0x00000000",
        "255.255.255.255, 0xffffffff",
        "192.0.2.11, 0xc000020b",
        "127.0.0.11, 0x7f00000b",
    })
    void convertsBetweenDottedQuadAndInt(String text, String hex) {
        int address = (int) Long.parseLong(hex.substring(2), 16);

        assertThat(Ipv4Address.parse(text)).isEqualTo(address);
        assertThat(Ipv4Address.toString(address)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10.0.0", "10.0.0.5.6", "10.0.0.256", "10.0.0.-1", "10..0.5", ".10.0.0.5",
        "10.0.0.5.", "010.0.0.5", "10.0.0.05", "1000.0.0.5", "10.0.0.5/24", " 10.0.0.5", "a.b.c.d", "10.0.0.0005"})
    void refusesWhatIsNotAStrictDottedQuad(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.parse(text)).withMessageContaining(text);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0.0.0.0",
        "1, 128.0.0.0",
        "8, 255.0.0.0",
        "16, 255.255.0.0",
        "24, 255.255.255.0",
        "31, 255.255.255.254",
        "32, 255.255.255.255",
    })
    void turnsPrefixLengthsIntoMasksAndBack(int prefixLength, String mask) {
        assertThat(Ipv4Address.toString(Ipv4Address.mask(prefixLength))).isEqualTo(mask);
        assertThat(Ipv4Address.prefixLength(Ipv4Address.parse(mask))).isEqualTo(prefixLength);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 33, Integer.MIN_VALUE})
    void refusesPrefixLengthsOutside0To32(int prefixLength) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.mask(prefixLength));
    }

    @ParameterizedTest
    @ValueSource(strings = {"255.0.255.0", "0.255.255.255", "255.255.255.253"})
    void refusesNonContiguousMasks(String mask) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.prefixLength(Ipv4Address.parse(mask)))
                .withMessageContaining(mask);
    }

    @Test
    void computesNetworkAndBroadcastOfAnOverlaySubnet() {
        int task = Ipv4Address.parse("10.0.9.7");

        assertThat(Ipv4Address.toString(Ipv4Address.network(task, 24))).isEqualTo("10.0.9.0");
        assertThat(Ipv4Address.toString(Ipv4Address.broadcast(task, 24))).isEqualTo("10.0.9.255");
        assertThat(Ipv4Address.toString(Ipv4Address.network(Ipv4Address.parse("172.18.3.4"), 16))).isEqualTo("172.18.0.0");
        assertThat(Ipv4Address.toString(Ipv4Address.broadcast(task, 0))).isEqualTo("255.255.255.255");
        assertThat(Ipv4Address.toString(Ipv4Address.network(task, 32))).isEqualTo("10.0.9.7");
    }

    @Test
    void tellsWhetherAPrefixContainsAnAddress() {
        int ingress = Ipv4Address.parse("10.0.0.0");

        assertThat(Ipv4Address.contains(ingress, 24, Ipv4Address.parse("10.0.0.254"))).isTrue();
        assertThat(Ipv4Address.contains(ingress, 24, Ipv4Address.parse("10.0.1.0"))).isFalse();
        assertThat(Ipv4Address.contains(ingress, 8, Ipv4Address.parse("10.255.0.1"))).isTrue();
        assertThat(Ipv4Address.contains(ingress, 0, Ipv4Address.parse("198.51.100.1"))).as("default route").isTrue();
        assertThat(Ipv4Address.contains(Ipv4Address.parse("10.0.0.9"), 24, Ipv4Address.parse("10.0.0.1")))
                .as("host bits of the network are ignored").isTrue();
    }
}
