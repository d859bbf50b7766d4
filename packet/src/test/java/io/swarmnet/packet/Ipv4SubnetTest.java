package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Ipv4SubnetTest {

    @Test
    void parsesAndPrintsAddressesAsIntsInNetworkOrder() {
        assertThat(Ipv4Address.parse("10.0.9.5")).isEqualTo(0x0a000905);
        assertThat(Ipv4Address.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Address.toString(0xc0000201)).isEqualTo("192.0.2.1");
    }

    @ParameterizedTest
    @CsvSource({"10.0.9", "10.0.9.256", "10.0.09.1", "10.0.9.-1", "a.b.c.d", "10.0.9.1.", "''"})
    void refusesWhatIsNotADottedQuad(String text) {
        assertThatThrownBy(() -> Ipv4Address.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an IPv4 address");
    }

    @Test
    void macIsDockersDerivationFromTheAddress() {
        assertThat(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse("10.0.9.5")))).isEqualTo("02:42:0a:00:09:05");
        assertThat(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse("172.18.255.254")))).isEqualTo("02:42:ac:12:ff:fe");
    }

    @Test
    void subnetKnowsItsBoundsAndChildren() {
        Ipv4Subnet s = Ipv4Subnet.parse("10.0.9.0/24");
        assertThat(s.size()).isEqualTo(256);
        assertThat(Ipv4Address.toString(s.first())).isEqualTo("10.0.9.1");
        assertThat(Ipv4Address.toString(s.broadcast())).isEqualTo("10.0.9.255");
        assertThat(s.contains(Ipv4Address.parse("10.0.9.77"))).isTrue();
        assertThat(s.contains(Ipv4Address.parse("10.0.10.1"))).isFalse();
        assertThat(Ipv4Subnet.parse("10.0.0.0/8").child(24, 0)).hasToString("10.0.0.0/24");
        assertThat(Ipv4Subnet.parse("10.0.0.0/8").child(24, 65535)).hasToString("10.255.255.0/24");
        assertThat(Ipv4Subnet.parse("128.0.0.0/1").child(24, 1)).hasToString("128.0.1.0/24");
        assertThat(s.keyForm()).isEqualTo("10.0.9.0-24");
    }

    @Test
    void overlapIsContainmentEitherWay() {
        Ipv4Subnet big = Ipv4Subnet.parse("10.0.0.0/16");
        assertThat(big.overlaps(Ipv4Subnet.parse("10.0.9.0/24"))).isTrue();
        assertThat(Ipv4Subnet.parse("10.0.9.0/24").overlaps(big)).isTrue();
        assertThat(big.overlaps(Ipv4Subnet.parse("10.1.0.0/24"))).isFalse();
        assertThat(big.covers(Ipv4Subnet.parse("10.0.9.0/24"))).isTrue();
        assertThat(Ipv4Subnet.parse("10.0.9.0/24").covers(big)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.9.5/24 | invalid subnet 10.0.9.5/24: it should be 10.0.9.0/24",
        "10.0.9.0 | invalid subnet 10.0.9.0: expected CIDR notation such as 10.0.9.0/24",
        "10.0.9.0/33 | invalid subnet 10.0.9.0/33: the prefix length must be 0-32",
        "10.0.9.0/ | invalid subnet 10.0.9.0/: expected CIDR notation",
        "fd00::/64 | invalid subnet fd00::/64: expected CIDR notation"})
    void refusesBadSubnetsSayingWhy(String text, String message) {
        assertThatThrownBy(() -> Ipv4Subnet.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
