package io.swarmnet.control.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdTest {

    @Test
    void generatesTwentyFiveLowercaseBase36CharactersAndNeverTheSameTwice() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = NodeId.generate();
            assertThat(id).matches("[0-9a-z]{25}");
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void createsTheDataRootAndKeepsTheSameIdAcrossLoads(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("var/lib/swarmnet");

        String first = NodeId.loadOrCreate(root);
        String second = NodeId.loadOrCreate(root);

        assertThat(first).isEqualTo(second);
        assertThat(Files.readString(root.resolve("node-id"))).isEqualTo(first + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        try (var files = Files.list(root)) {
            assertThat(files).containsExactly(root.resolve("node-id"));
        }
    }

    @Test
    void refusesAFileThatHoldsNoNodeId(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("node-id"), "not-an-id\n");

        assertThatThrownBy(() -> NodeId.loadOrCreate(root))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(root.resolve("node-id") + " does not hold a node id");
    }
}
