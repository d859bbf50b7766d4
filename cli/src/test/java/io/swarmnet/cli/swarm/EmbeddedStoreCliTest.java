package io.swarmnet.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.node.NodeRegistry;
import io.swarmnet.control.store.EmbeddedStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Without {@code --store}, the CLI keeps the cluster in the embedded store under {@code --data-root}. */
@Timeout(60)
class EmbeddedStoreCliTest {

    @Test
    void stateSurvivesBetweenRunsAndThisHostLeads(@TempDir Path root) throws Exception {
        List<String> global = List.of("--data-root", root.toString());
        Files.writeString(root.resolve("node-id"), "h000000000000000000000001\n");
        try (EmbeddedStore store = EmbeddedStore.open(root.resolve("store"))) {
            new NodeRegistry(store).register(Node.of("h000000000000000000000001", "host", NodeRole.WORKER, "192.0.2.1"), 0);
        }

        assertThat(CliRun.run(global, "init").exit()).isZero();
        assertThat(CliRun.run(global, "network", "create", "app").exit()).isZero();
        CliRun created = CliRun.run(global, "service", "create", "--runtime", "process", "--name", "web", "--replicas", "2", "--network", "app");
        assertThat(created.err()).isEmpty();

        assertThat(CliRun.run(global, "network", "ls").lines()).hasSize(3).anySatisfy(l -> assertThat(l).contains("app"));
        assertThat(CliRun.run(global, "service", "ls").lines().get(1)).contains("web       replicated   2/2");
        assertThat(CliRun.run(global, "node", "ls").lines()).containsExactly(
                "ID               HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS",
                "h00000000000 *   host       Ready     Active         Leader");
        assertThat(Files.isDirectory(root.resolve("store"))).isTrue();
    }
}
