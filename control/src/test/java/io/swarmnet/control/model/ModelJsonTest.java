package io.swarmnet.control.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelJsonTest {
    private static final String ID = "0123456789abcdefghijklmno";

    @Test
    void writesANodeAsTheDocumentedJson() {
        Node node = Node.of(ID, "lab-m1", NodeRole.MANAGER, "192.0.2.11");

        assertThat(new String(ModelJson.write(node), UTF_8)).isEqualTo(
                "{\"version\":1,\"id\":\"" + ID + "\",\"hostname\":\"lab-m1\",\"role\":\"manager\","
                        + "\"advertiseAddr\":\"192.0.2.11\",\"availability\":\"active\"}");
    }

    @Test
    void readsBackWhatItWrote() {
        Node node = Node.of(ID, "lab-w1", NodeRole.WORKER, "192.0.2.21").withAvailability(NodeAvailability.DRAIN);

        assertThat(ModelJson.read(ModelJson.write(node), Node.class)).isEqualTo(node);
    }

    @Test
    void aNodeWeightIsWrittenOnlyWhenSetAndAnOlderRecordHasTheDefault() {
        Node weighted = Node.of(ID, "lab-w1", NodeRole.WORKER, "192.0.2.21").withLbWeight(3);

        assertThat(new String(ModelJson.write(weighted), UTF_8)).endsWith(",\"lbWeight\":3}");
        assertThat(ModelJson.read(ModelJson.write(weighted), Node.class).weight()).isEqualTo(3);
        String older = "{\"version\":1,\"id\":\"" + ID + "\",\"hostname\":\"h\",\"role\":\"worker\","
                + "\"advertiseAddr\":\"192.0.2.21\",\"availability\":\"active\"}";
        assertThat(ModelJson.read(older.getBytes(UTF_8), Node.class).weight()).isEqualTo(Node.DEFAULT_LB_WEIGHT);
    }

    @Test
    void aWeightOutOfRangeIsRefused() {
        Node node = Node.of(ID, "lab-w1", NodeRole.WORKER, "192.0.2.21");

        assertThatThrownBy(() -> node.withLbWeight(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node weight 0 is outside 1..65535");
        assertThatThrownBy(() -> node.withLbWeight(65536)).isInstanceOf(IllegalArgumentException.class);
        String json = "{\"version\":1,\"id\":\"" + ID + "\",\"hostname\":\"h\",\"role\":\"worker\","
                + "\"advertiseAddr\":\"192.0.2.21\",\"availability\":\"active\",\"lbWeight\":-2}";
        assertThatThrownBy(() -> ModelJson.read(json.getBytes(UTF_8), Node.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed Node record");
    }

    @Test
    void ignoresFieldsANewerAgentAdded() {
        String json = "{\"version\":2,\"id\":\"" + ID + "\",\"hostname\":\"h\",\"role\":\"worker\","
                + "\"advertiseAddr\":\"192.0.2.21\",\"availability\":\"pause\",\"labels\":{\"zone\":\"a\"}}";

        Node node = ModelJson.read(json.getBytes(UTF_8), Node.class);

        assertThat(node.version()).isEqualTo(2);
        assertThat(node.availability()).isEqualTo(NodeAvailability.PAUSE);
    }

    @Test
    void rejectsMalformedRecordsWithAnIllegalArgument() {
        assertThatThrownBy(() -> ModelJson.read("{not json".getBytes(UTF_8), Node.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed Node record");
        assertThatThrownBy(() -> ModelJson.read("{\"version\":1,\"id\":\"x\"}".getBytes(UTF_8), Node.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed Node record");
        assertThatThrownBy(() -> ModelJson.read(("{\"version\":1,\"id\":\"x\",\"hostname\":\"h\",\"role\":\"boss\","
                + "\"advertiseAddr\":\"a\",\"availability\":\"active\"}").getBytes(UTF_8), Node.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boss");
    }
}
