package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.swarmnet.packet.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPoolTest {

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static String text(int address) {
        return Ipv4Address.toString(address);
    }

    @Test
    void handsOutTheLowestFreeAddressSkippingTheGateway() {
        AddressPool pool = new AddressPool(ip("172.18.0.0"), 16, ip("172.18.0.1"));

        assertThat(text(pool.allocate())).isEqualTo("172.18.0.2");
        assertThat(text(pool.allocate())).isEqualTo("172.18.0.3");
        pool.release(ip("172.18.0.2"));
        assertThat(text(pool.allocate())).isEqualTo("172.18.0.2");
        assertThat(text(pool.allocate())).isEqualTo("172.18.0.4");
    }

    @Test
    void gatewayInTheMiddleIsSkipped() {
        AddressPool pool = new AddressPool(ip("10.1.0.0"), 29, ip("10.1.0.3"));

        assertThat(pool.capacity()).isEqualTo(5);
        assertThat(new String[] {text(pool.allocate()), text(pool.allocate()), text(pool.allocate()),
            text(pool.allocate()), text(pool.allocate())})
                .containsExactly("10.1.0.1", "10.1.0.2", "10.1.0.4", "10.1.0.5", "10.1.0.6");
        assertThatIllegalStateException().isThrownBy(pool::allocate)
                .withMessage("gwbridge pool 10.1.0.0/29 is exhausted: all 5 task addresses are in use");
    }

    @Test
    void reservedAddressesAreNotHandedOut() {
        AddressPool pool = new AddressPool(ip("172.18.0.0"), 16, ip("172.18.0.1"));
        pool.reserve(ip("172.18.0.2"));
        pool.reserve(ip("172.18.0.4"));

        assertThat(text(pool.allocate())).isEqualTo("172.18.0.3");
        assertThat(text(pool.allocate())).isEqualTo("172.18.0.5");
        assertThat(pool.isTaken(ip("172.18.0.4"))).isTrue();
        assertThat(pool.isTaken(ip("172.18.0.6"))).isFalse();
        assertThat(pool.isTaken(ip("10.0.0.1"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "172.18.0.0, is the pool's network address",
        "172.18.255.255, is the pool's broadcast address",
        "172.18.0.1, is the pool's gateway address",
        "172.19.0.2, is outside the pool 172.18.0.0/16",
    })
    void reservingWhatIsNoTaskAddressIsRefused(String address, String reason) {
        AddressPool pool = new AddressPool(ip("172.18.0.0"), 16, ip("172.18.0.1"));

        assertThatIllegalArgumentException().isThrownBy(() -> pool.reserve(ip(address)))
                .withMessage(address + " " + reason);
    }

    @Test
    void reservingTwiceIsRefusedAndReleasingWhatIsFreeIsNot() {
        AddressPool pool = new AddressPool(ip("172.18.0.0"), 16, ip("172.18.0.1"));
        pool.reserve(ip("172.18.0.9"));

        assertThatIllegalArgumentException().isThrownBy(() -> pool.reserve(ip("172.18.0.9")))
                .withMessage("172.18.0.9 is taken twice");
        pool.release(ip("172.18.0.9"));
        pool.release(ip("172.18.0.9"));
        pool.release(ip("10.0.0.1"));
        assertThat(text(pool.allocate())).isEqualTo("172.18.0.2");
    }

    @Test
    void largestPoolHandsOutItsLastAddress() {
        AddressPool pool = new AddressPool(ip("10.0.0.0"), 8, ip("10.0.0.1"));
        for (int host = 2; host < (1 << 24) - 2; host += 1 << 20) {
            pool.reserve(ip("10.0.0.0") + host);
        }

        assertThat(pool.capacity()).isEqualTo((1 << 24) - 3);
        assertThat(text(pool.allocate())).isEqualTo("10.0.0.3");
    }
}
