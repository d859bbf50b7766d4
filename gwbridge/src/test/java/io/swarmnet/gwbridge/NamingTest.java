package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.swarmnet.packet.Ipv4Address;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamingTest {

    @ParameterizedTest
    @CsvSource({
        // Expected values: "gw" + the first 10 hex digits of sha256sum of the id.
        "task-a, gw37bbbbed5f",
        "web.1.x7fk2m9q0a8b7c6d5e4f3g2h1, gwfa8b217679",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, gwa8ae6e6ee9",
    })
    void portNameIsGwAndTenHexDigitsOfTheTaskIdsSha256(String taskId, String port) {
        assertThat(Naming.port(taskId)).isEqualTo(port).hasSize(12);
        assertThat(Naming.isPort(port)).isTrue();
    }

    @Test
    void portNamesOfSimilarIdsDiffer() {
        Set<String> ports = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ports.add(Naming.port("task" + i));
        }
        assertThat(ports).hasSize(10_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker_gwbridge", "gw", "gw0123456789a", "gw012345678", "GW0123456789", "gw01234567AB",
        "gx0123456789", "gw012345678g", "eth1"})
    void otherNamesAreNotPorts(String name) {
        assertThat(Naming.isPort(name)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "'', task id is empty",
        "a b, may hold only letters",
        "a/b, may hold only letters",
        "tâche, may hold only letters",
    })
    void malformedTaskIdsAreRefusedWithTheReason(String taskId, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> Naming.port(taskId)).withMessageContaining(reason);
    }

    @Test
    void controlCharactersInATaskIdAreShownEscaped() {
        assertThatIllegalArgumentException().isThrownBy(() -> Naming.checkTaskId("a\nb"))
                .withMessage("task id 'a\\x0ab' may hold only letters, digits, '_', '.' and '-'");
    }

    @Test
    void tooLongAndNullTaskIdsAreRefused() {
        assertThat(Naming.checkTaskId("x".repeat(128))).hasSize(128);
        assertThatIllegalArgumentException().isThrownBy(() -> Naming.checkTaskId("x".repeat(129)))
                .withMessage("task id of 129 characters is longer than 128");
        assertThatIllegalArgumentException().isThrownBy(() -> Naming.checkTaskId(null));
    }

    @Test
    void macIs0242AndTheAddress() {
        assertThat(Naming.mac(Ipv4Address.parse("172.18.0.1"))).isEqualTo(0x0242ac120001L);
        assertThat(Naming.mac(Ipv4Address.parse("255.255.255.254"))).isEqualTo(0x0242fffffffeL);
    }
}
