package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The text forms of addresses that cluster records and the CLI use: what each accepts and refuses. */
class AddressTextTest {

    @Test
    void ipv4RoundTripsThroughItsIntForm() {
        assertThat(Ipv4Address.parse("10.0.9.2")).isEqualTo(0x0a000902);
        assertThat(Ipv4Address.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Address.toString(0xc0000215)).isEqualTo("192.0.2.21");
        assertThat(Ipv4Address.toString(Ipv4Address.parse("0.0.0.0"))).isEqualTo("0.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.9", "10.0.9.2.1", "10.0.9.256", "10.0.09.2", "10..9.2", "10.0.9.2.", "a.b.c.d",
            "::1", "10.0.9.-1", " 10.0.9.2", "1000.0.0.1"})
    void refusesWhatIsNotAnIpv4Literal(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IPv4");
    }

    @Test
    void subnetsParseAndContainTheirHosts() {
        Ipv4Subnet s = Ipv4Subnet.parse("10.0.9.0/24");
        assertThat(s).isEqualTo(new Ipv4Subnet(0x0a000900, 24));
        assertThat(s.contains(Ipv4Address.parse("10.0.9.254"))).isTrue();
        assertThat(s.contains(Ipv4Address.parse("10.0.10.1"))).isFalse();
        assertThat(Ipv4Subnet.parse("0.0.0.0/0").contains(-1)).isTrue();
        assertThat(s).hasToString("10.0.9.0/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.9.0", "10.0.9.1/24", "10.0.9.0/33", "10.0.9.0/-1", "10.0.9.0/x", "10.0.9.0/"})
    void refusesBadSubnets(String text) {
        assertThatThrownBy(() -> Ipv4Subnet.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void macsRoundTripAndDockerDerivesThemFromTheAddress() {
        assertThat(MacAddress.parse("02:42:0a:00:09:02")).isEqualTo(0x02420a000902L);
        assertThat(MacAddress.parse("02:42:0A:00:09:02")).isEqualTo(0x02420a000902L);
        assertThat(MacAddress.toString(0x02420a000902L)).isEqualTo("02:42:0a:00:09:02");
        assertThat(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse("10.255.0.7")))).isEqualTo("02:42:0a:ff:00:07");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:42:0a:00:09", "02-42-0a-00-09-02", "02:42:0a:00:09:0g", "0242.0a00.0902", "02:42:0a:00:09:022"})
    void refusesWhatIsNotAColonMac(String text) {
        assertThatThrownBy(() -> MacAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAC");
    }
}
