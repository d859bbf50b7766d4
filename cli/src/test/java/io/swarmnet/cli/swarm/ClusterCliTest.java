package io.swarmnet.cli.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.cluster.AllocKeys;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.node.NodeRegistry;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.Transaction;
import io.swarmnet.control.testing.EtcdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code swarmnet init|network|service|node} run in-process against a real etcd: docker's
 * output, and one line and a non-zero exit for every error.
 */
@Tag("privileged")
@Timeout(60)
class ClusterCliTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();
    static final String MANAGER = "m000000000000000000000001";
    static final String W1 = "w000000000000000000000001";
    static final String W2 = "w000000000000000000000002";
    static EtcdStore store;

    @BeforeAll
    static void connect() {
        store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void disconnect() {
        store.close();
    }

    @BeforeEach
    void emptyClusterOfThreeNodes() {
        List<KeyValue> all = store.list(Keys.ROOT).items();
        for (int from = 0; from < all.size(); from += 100) {
            Transaction txn = Transaction.create();
            all.subList(from, Math.min(all.size(), from + 100)).forEach(kv -> txn.delete(kv.key()));
            store.commit(txn);
        }
        NodeRegistry registry = new NodeRegistry(store);
        // The manager advertises the etcd member's address, so it is that member.
        registry.register(Node.of(MANAGER, "m1", NodeRole.MANAGER, "127.0.0.1"), 0);
        registry.register(Node.of(W1, "w1", NodeRole.WORKER, "192.0.2.21"), 0);
        registry.register(Node.of(W2, "w2", NodeRole.WORKER, "192.0.2.22"), 0);
    }

    static CliRun swarmnet(String... args) {
        return CliRun.run(List.of("--store", ETCD.storeUrl()), args);
    }

    static void assertFails(CliRun run, String message) {
        assertThat(run.err()).isEqualTo("swarmnet: error: " + message + System.lineSeparator());
        assertThat(run.exit()).isEqualTo(1);
        // Like docker, inspect prints the (empty) array of what it found.
        assertThat(run.out().strip()).isIn("", "[]");
    }

    static void assertUsageError(CliRun run, String fragment) {
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err().lines()).singleElement().asString().startsWith("swarmnet: ").contains(fragment);
    }

    static void ok(CliRun run) {
        assertThat(run.err()).isEmpty();
        assertThat(run.exit()).isZero();
    }

    @Test
    void networkCreateLsInspectRmLikeDocker() {
        CliRun created = swarmnet("network", "create", "-d", "overlay", "--subnet", "10.0.9.0/24", "--gateway", "10.0.9.254",
                "--attachable", "--internal", "--opt", "encrypted", "--opt", "com.docker.network.driver.mtu=1400",
                "--label", "team=a", "app");
        ok(created);
        String id = created.out().strip();
        assertThat(id).matches("[0-9a-z]{25}");

        CliRun ls = swarmnet("network", "ls");
        ok(ls);
        assertThat(ls.lines()).containsExactly(
                "NETWORK ID     NAME      DRIVER    SCOPE",
                id.substring(0, 12) + "   app       overlay   swarm");
        assertThat(swarmnet("network", "ls", "-q").lines()).containsExactly(id.substring(0, 12));
        assertThat(swarmnet("network", "ls", "--format", "json").out()).isEqualTo("{\"ID\":\"" + id
                + "\",\"Name\":\"app\",\"Driver\":\"overlay\",\"Scope\":\"swarm\",\"Subnet\":\"10.0.9.0/24\",\"Gateway\":\"10.0.9.254\","
                + "\"VNI\":4096,\"Attachable\":true,\"Internal\":true,\"Ingress\":false,\"Labels\":{\"team\":\"a\"}}"
                + System.lineSeparator());

        CliRun inspect = swarmnet("network", "inspect", id.substring(0, 5));
        ok(inspect);
        assertThat(inspect.out()).startsWith("[\n    {\n        \"Name\": \"app\",\n        \"Id\": \"" + id + "\",")
                .contains("\"Config\": [\n                {\n                    \"Subnet\": \"10.0.9.0/24\",\n"
                        + "                    \"Gateway\": \"10.0.9.254\"\n")
                .contains("\"com.docker.network.driver.overlay.vxlanid_list\": \"4096\"")
                .contains("\"com.docker.network.driver.mtu\": \"1400\"")
                .contains("\"encrypted\": \"\"");
        assertThat(swarmnet("network", "inspect", "--format", "json", "app").lines()).singleElement().asString()
                .startsWith("{\"Name\":\"app\",");

        CliRun rm = swarmnet("network", "rm", "app");
        ok(rm);
        assertThat(rm.lines()).containsExactly("app");
        assertThat(swarmnet("network", "ls", "-q").out()).isEmpty();
    }

    @Test
    void serviceCreateLsPsInspectUpdateRmLikeDocker() {
        ok(swarmnet("init"));
        ok(swarmnet("network", "create", "--subnet", "10.0.9.0/24", "app"));
        CliRun created = swarmnet("service", "create", "--runtime", "process", "--name", "web", "--replicas", "3", "--network", "app,alias=www",
                "--publish", "published=8080,target=80", "-p", "53/udp", "--", "swarmnet", "echo-server", "-p", "80");
        ok(created);
        String id = created.out().strip();

        CliRun ls = swarmnet("service", "ls");
        ok(ls);
        assertThat(ls.lines()).containsExactly(
                "ID             NAME      MODE         REPLICAS   PORTS",
                id.substring(0, 12) + "   web       replicated   3/3        *:8080->80/tcp, *:30000->53/udp");

        CliRun ps = swarmnet("service", "ps", "web");
        ok(ps);
        assertThat(ps.lines()).hasSize(4);
        assertThat(ps.lines().get(0))
                .isEqualTo("ID             NAME      IMAGE     NODE      DESIRED STATE   CURRENT STATE   ERROR     PORTS");
        assertThat(ps.lines().subList(1, 4)).extracting(l -> l.substring(15).replaceAll(" +", " "))
                .containsExactly("web.1 m1 Running Running", "web.2 w1 Running Running", "web.3 w2 Running Running");
        assertThat(swarmnet("service", "ps", "--format", "json", "web").lines().get(0))
                .contains("\"Name\":\"web.1\"", "\"Address\":\"10.0.0.3\"", "\"MAC\":\"02:42:0a:00:00:03\"",
                        "\"Network\":\"app\"", "\"Address\":\"10.0.9.3\"");

        CliRun inspect = swarmnet("service", "inspect", "web");
        ok(inspect);
        assertThat(inspect.out()).contains("\"Name\": \"web\"", "\"Replicas\": 3", "\"Addr\": \"10.0.0.2/24\"",
                "\"Addr\": \"10.0.9.2/24\"", "\"www\"", "\"echo-server\"", "\"PublishedPort\": 30000");

        CliRun update = swarmnet("service", "update", "--replicas", "1", "--stop-grace-period", "0s", "--publish-rm", "80",
                "--publish-add", "published=9000,target=90,mode=host", "web");
        ok(update);
        assertThat(update.lines()).containsExactly("web");
        assertThat(swarmnet("service", "ls").lines().get(1)).endsWith("1/1        *:30000->53/udp, *:9000->90/tcp");
        assertThat(swarmnet("service", "ps", "web").lines().get(1)).endsWith("*:9000->90/tcp");

        CliRun rm = swarmnet("service", "rm", "web");
        ok(rm);
        assertThat(rm.lines()).containsExactly("web");
        assertThat(swarmnet("service", "ls", "-q").out()).isEmpty();
        ok(swarmnet("network", "rm", "app"));
    }

    @Test
    void theLoadBalancingSchedulerIsChosenAtCreateAndChangedByUpdate() {
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "hash", "--lb-scheduler", "maglev", "--", "sleep", "1"));
        assertThat(swarmnet("service", "inspect", "hash").out()).contains("\"LbScheduler\": \"maglev\"");
        ok(swarmnet("service", "update", "--lb-scheduler", "wrr", "hash"));
        assertThat(swarmnet("service", "inspect", "hash").out()).contains("\"LbScheduler\": \"wrr\"");
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "plain", "--", "sleep", "1"));
        assertThat(swarmnet("service", "inspect", "plain").out()).contains("\"LbScheduler\": \"rr\"");
    }

    @Test
    void globalServiceRunsOnEveryNodeAndTheCommandMayFollowWithoutDashes() {
        CliRun created = swarmnet("service", "create", "--runtime", "process", "--name", "dns", "--mode", "global",
                "--publish", "published=5353,target=53,protocol=udp,mode=host", "sh", "-c", "exec dnsd");
        ok(created);
        assertThat(swarmnet("service", "ls").lines().get(1)).endsWith("   dns       global    3/3        *:5353->53/udp");
        assertThat(swarmnet("service", "ps", "dns").lines().get(1)).contains("dns." + MANAGER);
        assertThat(swarmnet("service", "inspect", "dns").out()).contains("\"Global\": {}", "\"exec dnsd\"");
    }

    @Test
    void nodeLsShowsStatusAvailabilityAndTheEtcdRoleOfManagers() {
        store.delete(Keys.nodeAlive(W2));
        new NodeRegistry(store).register(Node.of("m000000000000000000000002", "m2", NodeRole.MANAGER, "192.0.2.12"), 0);

        CliRun ls = swarmnet("node", "ls");
        ok(ls);
        assertThat(ls.lines()).containsExactly(
                "ID             HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS",
                "m00000000000   m1         Ready     Active         Leader",
                "m00000000000   m2         Ready     Active         Unreachable",
                "w00000000000   w1         Ready     Active",
                "w00000000000   w2         Down      Active");
        CliRun inspect = swarmnet("node", "inspect", "m1");
        ok(inspect);
        assertThat(inspect.out()).contains("\"Hostname\": \"m1\"", "\"Leader\": true", "\"Addr\": \"" + ETCD.clientUrl() + "\"");
        assertThat(swarmnet("node", "ls", "--format", "json").lines().get(0))
                .isEqualTo("{\"ID\":\"" + MANAGER + "\",\"Self\":false,\"Hostname\":\"m1\",\"Status\":\"Ready\","
                        + "\"Availability\":\"Active\",\"ManagerStatus\":\"Leader\",\"Role\":\"manager\",\"Addr\":\"127.0.0.1\"}");
    }

    @Test
    void nodeUpdateWeightsANodesTasksAndRefusesBadWeights() {
        CliRun updated = swarmnet("node", "update", "--lb-weight", "3", "w1");
        ok(updated);
        assertThat(updated.out().strip()).isEqualTo(W1);
        assertThat(swarmnet("node", "inspect", "w1").out()).contains("\"LbWeight\": 3");
        assertThat(swarmnet("node", "inspect", "w2").out()).contains("\"LbWeight\": 1");
        assertFails(swarmnet("node", "update", "--lb-weight", "0", "w1"), "weight 0 is outside 1..65535");
        assertFails(swarmnet("node", "update", "--lb-weight", "2", "nope"), "No such node: nope");
        assertThat(swarmnet("node", "update", "w1").exit()).isEqualTo(2);
    }

    @Test
    void initOnceThenSayThatTheClusterExists() {
        CliRun first = swarmnet("init");
        ok(first);
        assertThat(first.out()).startsWith("Cluster initialized in " + ETCD.storeUrl() + ": ingress network ingress 10.0.0.0/24 (VNI 4096, ID ");

        assertFails(swarmnet("init", "--ingress-subnet", "10.9.0.0/24"), "the cluster at " + ETCD.storeUrl()
                + " is already initialized: its ingress network is ingress (10.0.0.0/24)");
    }

    @Test
    void takenNamesAreErrors() {
        ok(swarmnet("network", "create", "app"));
        assertFails(swarmnet("network", "create", "app"), "network with name app already exists");
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--replicas", "0"));
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "web"), "service web already exists");
    }

    @Test
    void overlappingSubnetIsAnErrorNamingTheNetwork() {
        ok(swarmnet("network", "create", "--subnet", "10.1.0.0/16", "wide"));
        assertFails(swarmnet("network", "create", "--subnet", "10.1.9.0/24", "narrow"),
                "subnet 10.1.9.0/24 overlaps with network wide (10.1.0.0/16)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.9.5/24 | invalid subnet 10.0.9.5/24: it should be 10.0.9.0/24",
        "10.0.9.0 | invalid subnet 10.0.9.0: expected CIDR notation such as 10.0.9.0/24",
        "10.0.300.0/24 | invalid subnet 10.0.300.0/24: expected CIDR notation such as 10.0.9.0/24",
        "10.0.9.0/31 | invalid subnet 10.0.9.0/31: an overlay subnet needs room for a gateway and a task, /30 at the smallest"})
    void invalidSubnetIsAnError(String subnet, String message) {
        assertFails(swarmnet("network", "create", "--subnet", subnet, "app"), message);
    }

    @Test
    void exhaustedAddressPoolIsAnError() {
        ok(swarmnet("init", "--default-addr-pool", "10.99.0.0/23", "--default-addr-pool-mask-length", "24"));
        ok(swarmnet("network", "create", "a"));
        ok(swarmnet("network", "create", "b"));
        assertFails(swarmnet("network", "create", "c"),
                "no free /24 subnet left in the default address pool 10.99.0.0/23; give one with --subnet");
        ok(swarmnet("network", "create", "--subnet", "10.0.30.0/30", "tiny"));
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--network", "tiny"),
                "network tiny has no free address left in 10.0.30.0/30");
    }

    @Test
    void exhaustedPortRangeIsAnError() {
        ok(swarmnet("init"));
        for (int from = 30000; from <= 32767; from += 100) {
            Transaction txn = Transaction.create();
            for (int p = from; p < from + 100 && p <= 32767; p++) {
                txn.put(AllocKeys.ingressPort(PortProtocol.UDP, p), "{}".getBytes(StandardCharsets.UTF_8));
            }
            store.commit(txn);
        }
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "dns", "-p", "53/udp"),
                "no free port left in 30000-32767 for udp; publish one with published=PORT");
        // TCP has its own range.
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "-p", "80"));
    }

    @Test
    void portAlreadyPublishedIsAnErrorNamingTheService() {
        ok(swarmnet("init"));
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "-p", "8080:80"));
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "api", "-p", "8080:8080"),
                "port 8080/tcp is already published by service web");
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "api", "--publish", "published=8080,target=80,mode=host"),
                "port 8080/tcp is already published by service web in ingress mode");
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "one", "--mode", "global", "--publish", "published=7000,target=7,mode=host"));
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "two", "--replicas", "1", "--publish", "published=7000,target=7,mode=host"),
                "no suitable node for two.1: its host-mode port is already published on every ready, active node"
                        + " (m1: 7000/tcp by one, w1: 7000/tcp by one, w2: 7000/tcp by one)");
        assertFails(swarmnet("service", "update", "--publish-add", "8080:80", "one"), "port 8080/tcp is already published by service web");
    }

    @Test
    void proxyProtocolIsAnIngressTcpOptionOfAPublishedPort() {
        ok(swarmnet("init"));
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--publish", "published=8080,target=80,proxy-protocol=v2"));
        assertThat(swarmnet("service", "inspect", "web").out()).contains("\"ProxyProtocol\": \"v2\"");
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "dns", "--publish", "published=53,target=53,protocol=udp,proxy-protocol=v2"),
                "proxy-protocol=v2 needs protocol=tcp and mode=ingress (host mode keeps the client's address anyway)");
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "old", "--publish", "published=8081,target=80,proxy-protocol=v1"),
                "invalid proxy-protocol 'v1': only v2 is supported");
    }

    @Test
    void unknownNetworkOrServiceIsAnError() {
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--network", "nope"), "network nope not found");
        assertFails(swarmnet("network", "rm", "nope"), "network nope not found");
        assertFails(swarmnet("network", "inspect", "nope"), "network nope not found");
        for (String command : List.of("inspect", "ps", "rm")) {
            assertFails(swarmnet("service", command, "nope"), "No such service: nope");
        }
        assertFails(swarmnet("service", "update", "--replicas", "2", "nope"), "No such service: nope");
        assertFails(swarmnet("node", "inspect", "nope"), "No such node: nope");
    }

    @Test
    void removingANetworkInUseIsAnErrorNamingTheServices() {
        ok(swarmnet("network", "create", "app"));
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--network", "app"));
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "api", "--replicas", "0", "--network", "app"));

        CliRun rm = swarmnet("network", "rm", "app", "nope");
        assertThat(rm.exit()).isEqualTo(1);
        assertThat(rm.err().lines()).containsExactly(
                "swarmnet: error: network app is in use by services api, web",
                "swarmnet: error: network nope not found");
    }

    @Test
    void usingTheIngressNetworkWronglyIsAnError() {
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "web", "-p", "8080:80"),
                "there is no ingress network to publish port 8080->80/tcp on: run 'swarmnet init' first");
        ok(swarmnet("init"));
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--network", "ingress"),
                "service cannot be explicitly attached to the ingress network \"ingress\"");
        assertFails(swarmnet("network", "create", "--ingress", "--subnet", "10.20.0.0/24", "mesh"),
                "an ingress network already exists: ingress (10.0.0.0/24); a cluster has one, remove it first to replace it");
        assertFails(swarmnet("network", "create", "ingress"), "network with name ingress already exists");
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "web", "-p", "8080:80"));
        assertFails(swarmnet("network", "rm", "ingress"), "network ingress is in use by service web");
        assertFails(swarmnet("service", "create", "--runtime", "process", "--name", "db", "--endpoint-mode", "dnsrr", "-p", "5432"),
                "port published with ingress mode can't be used with dnsrr mode");
    }

    @Test
    void unreachableManagersAreAnErrorNamingEveryEndpointTried() throws Exception {
        int a = EtcdFixture.freePort();
        int b = EtcdFixture.freePort();
        CliRun run = CliRun.run(List.of("--store", "etcd://127.0.0.1:" + a + ",127.0.0.1:" + b, "--store-timeout", "2"),
                "network", "ls");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("swarmnet: error: cannot reach etcd at 127.0.0.1:" + a + ", 127.0.0.1:" + b)
                .contains("Connection refused");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void storeComesFromTheEnvironmentAndAProcessPrintsOnlyItsAnswer() throws Exception {
        ok(swarmnet("network", "create", "app"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "-Dlogback.configurationFile=logback.xml", "-XX:TieredStopAtLevel=1",
                "io.swarmnet.cli.Main", "network", "ls", "-q");
        pb.environment().put("SWARMNET_STORE", ETCD.storeUrl());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).matches("[0-9a-z]{12}");
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-p | 8080:80/sctp | invalid protocol 'sctp': expected tcp or udp",
        "-p | 8080:0 | invalid target port '0': it must be a number 1-65535",
        "-p | 8080-8081:80 | port ranges are not supported",
        "-p | 1.2.3.4:8080:80 | is not a port: expected [PUBLISHED:]TARGET[/PROTOCOL]",
        "--publish | published=8080 | 'published=8080' has no target port: add target=PORT",
        "--publish | published=8080,target=80,mode=local | invalid publish mode 'local': expected ingress or host",
        "--publish | published=8080,tgt=80 | invalid field 'tgt'",
        "--network | app,aliass=x | invalid field 'aliass'",
        "--mode | replica | invalid --mode 'replica': expected replicated or global",
        "--endpoint-mode | rr | invalid --endpoint-mode 'rr': expected vip or dnsrr",
        "--lb-scheduler | lc | invalid --lb-scheduler 'lc': expected rr, wrr or maglev"})
    void badServiceOptionsAreUsageErrors(String option, String value, String message) {
        assertUsageError(swarmnet("service", "create", "--runtime", "process", "--name", "web", option, value), message);
    }

    @Test
    void aContainerServiceTakesDockersArgumentOrderAndPsShowsWhatTheNodeReported() {
        ok(swarmnet("init"));
        CliRun created = swarmnet("service", "create", "--name", "web", "--replicas", "2", "-e", "A=1", "--env", "B=x=y",
                "--hostname", "web-host", "--restart-condition", "on-failure", "--stop-grace-period", "3s",
                "swarmnet/echo:1", "httpd", "-f", "-p", "8080");
        ok(created);
        CliRun inspect = swarmnet("service", "inspect", "web");
        assertThat(inspect.out()).contains("\"Image\": \"swarmnet/echo:1\"", "\"A=1\"", "\"B=x=y\"",
                "\"Hostname\": \"web-host\"", "\"StopGracePeriod\": 3000000000", "\"Condition\": \"on-failure\"",
                "\"httpd\"", "\"8080\"");

        CliRun ps = swarmnet("service", "ps", "web");
        assertThat(ps.lines().subList(1, 3)).extracting(l -> l.substring(15).replaceAll(" +", " ").strip())
                .as("no node has reported yet").containsExactly("web.1 swarmnet/echo:1 m1 Running Assigned",
                        "web.2 swarmnet/echo:1 w1 Running Assigned");
        String task1 = swarmnet("service", "ps", "-q", "web").lines().get(0);
        String fullId = store.list(Keys.TASKS).items().stream().map(kv -> Keys.idOf(Keys.TASKS, kv.key()))
                .filter(id -> id.startsWith(task1)).findFirst().orElseThrow();
        store.put(Keys.taskStatus(fullId), ModelJson.write(new TaskReport(fullId, "n", TaskReport.State.FAILED,
                "starting failed", "No such image: swarmnet/echo:1", System.currentTimeMillis() - 5_000)));
        assertThat(swarmnet("service", "ps", "web").lines().get(1).replaceAll(" +", " "))
                .contains("Running Failed 5 seconds ago \"No such image: swarmnet/echo:1\"");
        assertThat(swarmnet("service", "ps", "--format", "json", "web").lines().get(0))
                .contains("\"Image\":\"swarmnet/echo:1\"", "\"Error\":\"No such image: swarmnet/echo:1\"");

        ok(swarmnet("service", "update", "--image", "swarmnet/echo:2", "web"));
        CliRun scaled = swarmnet("service", "scale", "web=3", "nosuch=1");
        assertThat(scaled.exit()).isEqualTo(1);
        assertThat(scaled.out()).isEqualTo("web scaled to 3\n");
        assertThat(scaled.err()).contains("No such service: nosuch");
        assertThat(swarmnet("service", "ps", "-q", "web").lines()).hasSize(3);
        assertUsageError(swarmnet("service", "scale", "web"), "invalid scale specifier 'web': expected SERVICE=REPLICAS");
        assertThat(swarmnet("service", "inspect", "web").out()).contains("\"Image\": \"swarmnet/echo:2\"");
    }

    @Test
    void badContainerServiceInputGetsOneLine() {
        ok(swarmnet("init"));
        assertUsageError(swarmnet("service", "create", "--name", "web"),
                "\"service create\" requires an IMAGE: service create [OPTIONS] IMAGE [COMMAND] [ARG...]");
        assertUsageError(swarmnet("service", "create", "--name", "web", "-e", "NOVALUE", "nginx"),
                "invalid --env 'NOVALUE': expected KEY=VALUE");
        assertUsageError(swarmnet("service", "create", "--name", "web", "--restart-condition", "always", "nginx"),
                "invalid --restart-condition 'always': expected any, on-failure or none");
        assertUsageError(swarmnet("service", "create", "--name", "web", "--hostname", "bad_name!", "nginx"),
                "invalid --hostname 'bad_name!': use up to 63 letters, digits, '.' and '-'");
        assertUsageError(swarmnet("service", "create", "--name", "web", "--runtime", "vm", "nginx"),
                "invalid --runtime 'vm': expected container or process");
        assertUsageError(swarmnet("service", "create", "--name", "web", "--runtime", "process", "-e", "A=1", "--", "sleep", "1"),
                "--env and --hostname are for container tasks, not --runtime process");
        ok(swarmnet("service", "create", "--runtime", "process", "--name", "lab", "--", "sleep", "1"));
        CliRun update = swarmnet("service", "update", "--image", "nginx", "lab");
        assertThat(update.exit()).isNotZero();
        assertThat(update.err()).contains("service lab runs host commands, not containers: it has no image to update");
    }

    @Test
    void otherUsageErrorsExitTwoWithOneLine() {
        assertUsageError(swarmnet("service", "create", "--runtime", "process", "--name", "web", "--mode", "global", "--replicas", "2"),
                "replicas can only be used with replicated mode");
        assertUsageError(swarmnet("network", "create", "-d", "bridge", "app"), "driver bridge is not supported");
        assertUsageError(swarmnet("network", "create", "--opt", "foo=1", "app"), "unsupported network option 'foo=1'");
        assertUsageError(swarmnet("network", "ls", "--format", "{{.Name}}"), "unsupported --format");
        assertUsageError(swarmnet("service", "update", "--publish-add", "x:80", "web"), "invalid published port 'x'");
        assertUsageError(swarmnet("service", "update", "--replicas", "1", "--stop-grace-period", "10", "web"),
                "invalid --stop-grace-period: '10' is not a duration like 10s, 1m30s or 500ms");
        assertUsageError(swarmnet("service", "update", "--replicas", "1", "--stop-grace-period", "25h", "web"),
                "invalid --stop-grace-period: '25h' is longer than a day");
        assertUsageError(swarmnet("service", "create"), "Missing required option: '--name=NAME'");
    }
}
