package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttachmentStateFileTest {
    @TempDir
    Path dir;

    private GwBridgeConfig config() {
        return GwBridgeConfig.defaults(dir.resolve("data"));
    }

    @Test
    void savedAttachmentsLoadBackAndNoTemporaryFileIsLeft() throws IOException {
        GwBridgeConfig config = config();
        List<GwBridgeAttachment> attachments = List.of(
                new GwBridgeAttachment("a", Naming.port("a"), 0xac120002, 16, 0xac120001),
                new GwBridgeAttachment("b", Naming.port("b"), 0xac120003, 16, 0xac120001));

        GwBridgeStateFile.save(config.stateFile(), config, attachments);
        GwBridgeStateFile.State state = GwBridgeStateFile.load(config.stateFile()).orElseThrow();

        assertThat(state.pool()).isEqualTo("172.18.0.0/16");
        assertThat(GwBridgeStateFile.attachments(config.stateFile(), state, config)).isEqualTo(attachments);
        assertThat(Files.readString(config.stateFile())).contains("\"address\" : \"172.18.0.3\"");
        try (var files = Files.list(config.dataDir())) {
            assertThat(files).containsExactly(config.stateFile());
        }
    }

    @Test
    void missingFileIsNoStateAndDeletingItTwiceIsFine() throws IOException {
        GwBridgeConfig config = config();

        assertThat(GwBridgeStateFile.load(config.stateFile())).isEmpty();
        GwBridgeStateFile.save(config.stateFile(), config, List.of());
        assertThat(GwBridgeStateFile.delete(config.stateFile())).isTrue();
        assertThat(GwBridgeStateFile.delete(config.stateFile())).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                          | empty",
        "{\"version\":1,             | not JSON at line 1 column 14",
        "[]                          | not a version 1 gwbridge state",
        "{\"version\":2,\"bridge\":\"b\",\"pool\":\"p\",\"gateway\":\"g\",\"attachments\":[]} | not a version 1",
        "{\"version\":1,\"bridge\":\"b\",\"pool\":\"p\",\"gateway\":\"g\"} | not a version 1",
    })
    void malformedFilesAreCorrupt(String json, String reason) throws IOException {
        Path file = dir.resolve("gwbridge.json");
        Files.writeString(file, json);

        assertThatThrownBy(() -> GwBridgeStateFile.load(file)).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageStartingWith("gwbridge state file " + file + " is corrupt (")
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"task\":\"a\",\"port\":\"gw37bbbbed5f\"}                              | lacks its task, port or address",
        "{\"task\":\"a b\",\"port\":\"gw37bbbbed5f\",\"address\":\"172.18.0.2\"} | may hold only",
        "{\"task\":\"a\",\"port\":\"gw37bbbbed5f\",\"address\":\"172.18.0\"}     | not an IPv4 address",
        "{\"task\":\"task-a\",\"port\":\"gw0000000000\",\"address\":\"172.18.0.2\"} | task task-a has port gw0000000000, not gw37bbbbed5f",
    })
    void malformedAttachmentsAreCorrupt(String entry, String reason) throws IOException {
        GwBridgeConfig config = config();
        Files.createDirectories(config.dataDir());
        Files.writeString(config.stateFile(), "{\"version\":1,\"bridge\":\"docker_gwbridge\",\"pool\":\"172.18.0.0/16\","
                + "\"gateway\":\"172.18.0.1\",\"attachments\":[" + entry + "]}");
        GwBridgeStateFile.State state = GwBridgeStateFile.load(config.stateFile()).orElseThrow();

        assertThatThrownBy(() -> GwBridgeStateFile.attachments(config.stateFile(), state, config))
                .isInstanceOf(GwBridgeConfigException.class).hasMessageContaining(reason);
    }
}
