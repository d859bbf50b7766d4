package io.swarmnet.control.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterRecordsJsonTest {
    static final String NET = "n0123456789abcdefghijklmn";
    static final String SVC = "s0123456789abcdefghijklmn";

    @Test
    void networkRoundTripsAndWritesLowercaseEnumsAndEmptyLabels() {
        Network n = new Network(1, NET, "web", Network.DRIVER_OVERLAY, 4097, "10.0.9.0/24", "10.0.9.1", 0,
                true, false, false, false, null);
        String json = new String(ModelJson.write(n), UTF_8);
        assertThat(json).contains("\"vni\":4097").contains("\"labels\":{}");
        assertThat(ModelJson.read(json.getBytes(UTF_8), Network.class)).isEqualTo(n);
    }

    @Test
    void serviceRoundTripsWithPortsAndAttachments() {
        Service s = new Service(1, SVC, "echo", ServiceMode.REPLICATED, 6, EndpointMode.VIP,
                List.of(new NetworkAttachment(NET, List.of("e"), "10.0.9.2")),
                List.of(new PublishedPort(PortProtocol.TCP, 80, 8000, PublishMode.INGRESS)),
                List.of("swarmnet", "echo-server"), Map.of("team", "a"));
        String json = new String(ModelJson.write(s), UTF_8);
        assertThat(json).contains("\"endpointMode\":\"vip\"").contains("\"mode\":\"ingress\"")
                .contains("\"protocol\":\"tcp\"");
        assertThat(ModelJson.read(json.getBytes(UTF_8), Service.class)).isEqualTo(s);
    }

    @Test
    void taskRoundTrips() {
        Task t = new Task(1, "t0123456789abcdefghijklmn", SVC, 3, "x0123456789abcdefghijklmn", TaskState.DRAINING,
                List.of(new TaskEndpoint(NET, "10.0.9.5", "02:42:0a:00:09:05")));
        assertThat(ModelJson.read(ModelJson.write(t), Task.class)).isEqualTo(t);
        assertThat(new String(ModelJson.write(t), UTF_8)).contains("\"state\":\"draining\"");
    }

    @Test
    void recordsBreakingTheSchemaAreIllegalArguments() {
        assertThatThrownBy(() -> ModelJson.read(("{\"version\":1,\"id\":\"x\",\"name\":\"n\",\"driver\":\"overlay\","
                + "\"vni\":0,\"subnet\":\"10.0.0.0/24\",\"gateway\":\"10.0.0.1\",\"mtu\":0,\"attachable\":false,"
                + "\"internal\":false,\"ingress\":false,\"encrypted\":false}").getBytes(UTF_8), Network.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vni");
        assertThatThrownBy(() -> ModelJson.read(("{\"protocol\":\"sctp\",\"target\":80,\"published\":80,"
                + "\"mode\":\"host\"}").getBytes(UTF_8), PublishedPort.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sctp");
        assertThatThrownBy(() -> new PublishedPort(PortProtocol.UDP, 0, 53, PublishMode.HOST))
                .hasMessage("target port must be 1-65535, not 0");
    }
}
