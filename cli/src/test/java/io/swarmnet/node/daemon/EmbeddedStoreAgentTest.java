package io.swarmnet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.cli.swarm.CliRun;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.testing.EtcdFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An agent without {@code --store} keeps the cluster in its host's embedded store, which the CLI shares. */
@Timeout(120)
class EmbeddedStoreAgentTest {
    @TempDir
    Path tmp;

    private static List<String> cli(Path dataRoot, String... args) {
        CliRun r = CliRun.run(List.of("--data-root", dataRoot.toString()), args);
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        return r.lines();
    }

    @Test
    void agentAndCliShareTheHostsEmbeddedStore() throws Exception {
        Path dataRoot = tmp.resolve("root");
        String metrics = "127.0.0.1:" + EtcdFixture.freePort();
        try (AgentProcess agent = AgentProcess.start(tmp.resolve("logs"), metrics, "--hostname", "solo",
                "--advertise-addr", "127.0.0.1", "--metrics-addr", metrics, "--data-root", dataRoot.toString(),
                "--node-ttl", "2")) {
            agent.awaitHealth(200, Duration.ofSeconds(30));
            String id = Files.readString(dataRoot.resolve(NodeId.FILE_NAME)).strip();

            assertThat(cli(dataRoot, "node", "ls")).containsExactly(
                    "ID               HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS",
                    id.substring(0, 12) + " *   solo       Ready     Active         Leader");
            cli(dataRoot, "init");
            cli(dataRoot, "service", "create", "--runtime", "process", "--name", "web", "--replicas", "2", "-p", "8080:80");
            assertThat(cli(dataRoot, "service", "ps", "web")).hasSize(3).allSatisfy(l -> assertThat(l).doesNotContain("Unknown"));
            assertThat(agent.stderr()).contains("role=manager").contains("store=file://" + dataRoot.toRealPath().resolve("store"));

            assertThat(agent.terminate(Duration.ofSeconds(10))).isZero();
            assertThat(cli(dataRoot, "node", "ls").get(1)).contains("Down");
        }
    }
}
