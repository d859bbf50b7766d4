package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest
    @CsvSource({
        "02:42:0a:00:00:05, 0x02420a000005",
        "ff:ff:ff:ff:ff:ff, 0xffffffffffff",
        "00:00:00:00:00:00, 0x000000000000",
        "01:00:5e:00:00:fb, 0x01005e0000fb",
    })
    void convertsBetweenTextAndLong(String text, String hex) {
        long mac = Long.decode(hex);

        assertThat(MacAddress.parse(text)).isEqualTo(mac);
        assertThat(MacAddress.toString(mac)).isEqualTo(text);
    }

    @Test
    void parsesUpperCase() {
        assertThat(MacAddress.parse("02:42:AC:11:00:0A")).isEqualTo(0x0242AC11000AL);
    }

    @Test
    void formatsOnlyTheLow48Bits() {
        assertThat(MacAddress.toString(0xFFFF_0242_0A00_0005L)).isEqualTo("02:42:0a:00:00:05");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:42:0a:00:00", "02:42:0a:00:00:05:06", "02-42-0a-00-00-05", "0242.0a00.0005",
        "02:42:0a:00:00:0g", "2:42:0a:00:00:05:", "02:42:0a:00:00:+5", " 02:42:0a:00:00:0"})
    void refusesWhatIsNotSixColonSeparatedHexPairs(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> MacAddress.parse(text)).withMessageContaining(text);
    }

    @Test
    void derivesDockersMacFromAnIpv4Address() {
        assertThat(MacAddress.fromIpv4(Ipv4Address.parse("10.0.0.5"))).isEqualTo(MacAddress.parse("02:42:0a:00:00:05"));
        assertThat(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse("172.18.255.254"))))
                .isEqualTo("02:42:ac:12:ff:fe");
    }

    @Test
    void tellsGroupAddressesFromUnicast() {
        assertThat(MacAddress.isMulticast(MacAddress.BROADCAST)).isTrue();
        assertThat(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:fb"))).isTrue();
        assertThat(MacAddress.isMulticast(MacAddress.fromIpv4(-1))).isFalse();
    }
}
