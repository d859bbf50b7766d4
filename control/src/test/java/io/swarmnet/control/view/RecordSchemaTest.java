package io.swarmnet.control.view;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.port;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.view.RecordSchema.ClusterKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordSchemaTest {

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of(Keys.node("n1"), new ClusterKey(RecordKind.NODE, "n1")),
                Arguments.of(Keys.nodeAlive("n1"), new ClusterKey(RecordKind.LIVENESS, "n1")),
                Arguments.of(Keys.network("net"), new ClusterKey(RecordKind.NETWORK, "net")),
                Arguments.of(Keys.service("s"), new ClusterKey(RecordKind.SERVICE, "s")),
                Arguments.of(Keys.task("t"), new ClusterKey(RecordKind.TASK, "t")),
                // Not records: allocation state and other tools' keys, nested keys, bare prefixes.
                Arguments.of(Keys.ROOT + "ipam/10.0.9.0", null),
                Arguments.of(Keys.NETWORKS + "net/vnis", null),
                Arguments.of(Keys.NODES, null),
                Arguments.of("/other/v1/nodes/n1", null));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void followsExactlyOneSegmentBelowEachRecordPrefix(String key, ClusterKey expected) {
        assertThat(RecordSchema.parseKey(key)).isEqualTo(expected);
    }

    static Stream<Arguments> rejected() {
        Network net = network("net", 4096, "10.0.9.0/24");
        return Stream.of(
                Arguments.of("not JSON", Keys.task("t"), "{", "malformed Task"),
                Arguments.of("JSON null", Keys.task("t"), "null", "JSON null"),
                Arguments.of("empty value", Keys.task("t"), "", "Task"),
                Arguments.of("wrong type", Keys.node("n1"), "[1,2]", "malformed Node"),
                Arguments.of("missing field", Keys.node("n1"), "{\"version\":1,\"id\":\"n1\"}", "Node"),
                Arguments.of("bad enum", Keys.task("t"),
                        json(task("t", "s", 1, "n1")).replace("running", "sleeping"), "Task"),
                Arguments.of("version 0", Keys.node("n1"),
                        json(node("n1", "192.0.2.21")).replace("\"version\":1", "\"version\":0"), "version"),
                Arguments.of("id not the key's", Keys.node("n2"), json(node("n1", "192.0.2.21")), "is not its key's id"),
                Arguments.of("underlay not IPv4", Keys.node("n1"), json(node("n1", "host.example")), "advertiseAddr"),
                Arguments.of("driver not overlay", Keys.network("net"),
                        json(net).replace("\"overlay\"", "\"bridge\""), "driver"),
                Arguments.of("subnet with host bits", Keys.network("net"),
                        json(net).replace("10.0.9.0/24", "10.0.9.5/24"), "it should be 10.0.9.0/24"),
                Arguments.of("gateway outside subnet", Keys.network("net"),
                        json(net).replace("10.0.9.1", "10.0.8.1"), "outside subnet"),
                Arguments.of("vni out of range", Keys.network("net"),
                        json(net).replace("4096", "16777216"), "vni"),
                Arguments.of("name with a space", Keys.network("net"),
                        json(net).replace("\"name\":\"net\"", "\"name\":\"my net\""), "not a valid name"),
                Arguments.of("bad VIP", Keys.service("s"), json(service("s", on("net", "10.0.9.300"))), "IPv4"),
                Arguments.of("network attached twice", Keys.service("s"),
                        json(service("s", on("net", "10.0.9.2"), on("net", "10.0.9.3"))), "attached twice"),
                Arguments.of("port published twice", Keys.service("s"),
                        json(service("s", EndpointMode.VIP, List.of(port(8080, 80, PublishMode.INGRESS),
                                port(8080, 81, PublishMode.HOST)))), "published twice"),
                Arguments.of("port out of range", Keys.service("s"),
                        json(service("s", EndpointMode.VIP, List.of(port(8080, 80, PublishMode.INGRESS)))).replace("8080", "70000"),
                        "port"),
                Arguments.of("bad task IP", Keys.task("t"),
                        json(task("t", "s", 1, "n1", new TaskEndpoint("net", "10.0.9", "02:42:0a:00:09:02"))), "IPv4"),
                Arguments.of("bad task MAC", Keys.task("t"),
                        json(task("t", "s", 1, "n1", new TaskEndpoint("net", "10.0.9.2", "02:42"))), "MAC"),
                Arguments.of("two endpoints on one network", Keys.task("t"),
                        json(task("t", "s", 1, "n1", at("net", "10.0.9.2"), at("net", "10.0.9.3"))), "two endpoints"),
                Arguments.of("task without a node", Keys.task("t"), json(task("t", "s", 1, "")), "nodeId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsRecordsThatDoNotParseOrBreakTheSchema(String what, String key, String value, String reason) {
        ClusterKey k = RecordSchema.parseKey(key);
        assertThatThrownBy(() -> RecordSchema.decode(k, value.getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void acceptsValidRecordsAndIgnoresUnknownFields() {
        Network net = network("net", 4096, "10.0.9.0/24");
        String withExtra = json(net).replaceFirst("\\{", "{\"futureField\":{\"a\":1},");
        assertThat(RecordSchema.decode(new ClusterKey(RecordKind.NETWORK, "net"), withExtra.getBytes(UTF_8))).isEqualTo(net);
        assertThat(RecordSchema.decode(new ClusterKey(RecordKind.TASK, "t"),
                json(task("t", "s", 1, "n1", at("net", "10.0.9.2"))).getBytes(UTF_8)))
                .isEqualTo(task("t", "s", 1, "n1", at("net", "10.0.9.2")));
        assertThat(RecordSchema.decode(new ClusterKey(RecordKind.SERVICE, "s"),
                json(service("s", EndpointMode.DNSRR, List.of(), on("net", null, "db.alias"))).getBytes(UTF_8)))
                .isEqualTo(service("s", EndpointMode.DNSRR, List.of(), on("net", null, "db.alias")));
    }

    @Test
    void aLivenessKeyCountsByExistingWhateverItsValue() {
        assertThat(RecordSchema.decode(new ClusterKey(RecordKind.LIVENESS, "n1"), "garbage".getBytes(UTF_8))).isEqualTo(Boolean.TRUE);
    }

    private static String json(Object record) {
        return new String(ModelJson.write(record), UTF_8);
    }
}
