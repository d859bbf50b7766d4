package io.swarmnet.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StoreAddressTest {

    @Test
    void parsesEndpointsInOrderAndDefaultsThePort() {
        StoreAddress a = StoreAddress.parse("etcd://192.0.2.11:2379,192.0.2.12,[fd00::1]:12379,etcd-1.example:2379/");

        assertThat(a.scheme()).isEqualTo("etcd");
        assertThat(a.endpoints()).containsExactly("192.0.2.11:2379", "192.0.2.12:2379", "[fd00::1]:12379", "etcd-1.example:2379");
        assertThat(a).hasToString("etcd://192.0.2.11:2379,192.0.2.12:2379,[fd00::1]:12379,etcd-1.example:2379");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.11:2379              | not a store address",
        "http://192.0.2.11:2379       | unsupported store 'http://'",
        "etcd://                      | names no endpoint",
        "etcd://192.0.2.11:2379,      | empty endpoint",
        "etcd://192.0.2.11:0          | no valid port",
        "etcd://192.0.2.11:65536      | no valid port",
        "etcd://192.0.2.11:http       | no valid port",
        "etcd://300.1.1.1:2379        | no valid host",
        "etcd://fd00::1:2379          | no valid host",
        "etcd://bad_host:2379         | no valid host",
        "etcd://a:1,a:1               | given twice",
    })
    void rejectsBadAddressesSayingWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> StoreAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
