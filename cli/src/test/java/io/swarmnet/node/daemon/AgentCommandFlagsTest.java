package io.swarmnet.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.cli.Main;
import io.swarmnet.control.testing.EtcdFixture;
import io.swarmnet.sys.CpuSet;
import io.swarmnet.sys.Resource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Each bad flag gets one line on stderr and a non-zero exit before anything starts. */
@Timeout(30)
class AgentCommandFlagsTest {
    @TempDir
    Path tmp;

    private record Result(int exit, List<String> lines) {
    }

    private Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        List<String> all = new ArrayList<>(List.of("agent"));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Result(exit, err.toString().lines().toList());
    }

    /** Valid flags with a store nobody listens on, for tests that change one flag. */
    private List<String> valid() throws IOException {
        return new ArrayList<>(List.of("--advertise-addr", "127.0.0.1",
                "--store", "etcd://127.0.0.1:" + EtcdFixture.freePort(),
                "--metrics-addr", "127.0.0.1:" + EtcdFixture.freePort(),
                "--data-root", tmp.resolve("root").toString(),
                "--store-timeout", "2"));
    }

    private Result runWith(String flag, String value) throws IOException {
        List<String> args = valid();
        int at = args.indexOf(flag);
        if (at >= 0) {
            args.set(at + 1, value);
        } else {
            args.addAll(List.of(flag, value));
        }
        return run(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--advertise-addr | not-an-ip      | invalid --advertise-addr: 'not-an-ip' is not an IP address",
        "--advertise-addr | 192.0.2.300    | invalid --advertise-addr: '192.0.2.300' is not an IP address",
        "--advertise-addr | 0.0.0.0        | --advertise-addr 0.0.0.0 is not an address other nodes can reach",
        "--data-path-port | 80             | --data-path-port 80 is out of range: it must be 1024-49151",
        "--data-path-port | 49152          | --data-path-port 49152 is out of range: it must be 1024-49151",
        "--data-path-transport | uring     | invalid --data-path-transport: 'uring' is not a transport (epoll, io_uring)",
        "--data-path-cpus | 3-1            | invalid --data-path-cpus: CPU list '3-1': range 3-1 ends below its start",
        "--data-path-cpus | 0,,1           | invalid --data-path-cpus: CPU list '0,,1' has an empty element",
        "--store          | http://a:2379  | invalid --store: unsupported store 'http://': only etcd://host:port[,host:port...] is supported",
        "--store          | etcd://a:x     | invalid --store: endpoint 'a:x' has no valid port (1-65535)",
        "--metrics-addr   | localhost:9323 | invalid --metrics-addr: 'localhost' is not an IP address",
        "--metrics-addr   | 127.0.0.1      | invalid --metrics-addr: '127.0.0.1' is not IP:PORT",
        "--hostname       | bad/name       | --hostname 'bad/name' is not a valid host name",
        "--node-ttl       | 1              | --node-ttl 1 is out of range: it must be 2-3600 seconds",
        "--log-level      | loud           | invalid --log-level: 'loud' is not a log level (trace, debug, info, warn, error)",
        "--lb-conntrack-max | 8            | invalid --lb-* flag: conntrack max 8 is outside 16..16777216",
        "--lb-tcp-established-timeout | 0  | invalid --lb-* flag: TCP established timeout 0s is outside 1s..30d",
        "--lb-udp-timeout | 9999999        | invalid --lb-* flag: UDP timeout 9999999s is outside 1s..30d",
        "--dns-upstream   | dns.example    | invalid --dns-upstream: 'dns.example' is not an IP address",
        "--dns-upstream   | 198.51.100.1:0 | invalid --dns-upstream: '198.51.100.1:0' has port 0",
        "--dns-ttl        | 3601           | --dns-ttl 3601 is out of range: it must be 0-3600 seconds",
    })
    void badFlagValueIsAUsageErrorInOneLine(String flag, String value, String message) throws IOException {
        Result r = runWith(flag, value);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.lines()).containsExactly("swarmnet: " + message + ". See 'swarmnet agent --help'.");
        assertThat(tmp.resolve("root")).doesNotExist();
    }

    @Test
    void moreThanThreeDnsUpstreamsAreAUsageError() throws IOException {
        List<String> args = valid();
        for (int i = 1; i <= 4; i++) {
            args.addAll(List.of("--dns-upstream", "198.51.100." + i));
        }

        Result r = run(args.toArray(String[]::new));

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.lines()).containsExactly("swarmnet: 4 --dns-upstream given: at most 3. See 'swarmnet agent --help'.");
    }

    @Test
    void theDataPathRunsOnEveryCpuOfTheAgentUnlessTold() throws IOException {
        CommandLine cl = Main.commandLine();
        List<String> args = new ArrayList<>(List.of("agent"));
        args.addAll(valid());
        CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
        AgentCommand agent = (AgentCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(agent.config().dataPathCpus()).isEqualTo(Resource.threadAffinity());

        int first = Resource.threadAffinity().toArray()[0];
        args.addAll(List.of("--data-path-cpus", Integer.toString(first)));
        parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        agent = (AgentCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(agent.config().dataPathCpus()).isEqualTo(CpuSet.of(first));
    }

    @Test
    void dataPathCpusOutsideTheAgentsOwnAreAUsageError() throws IOException {
        CpuSet allowed = Resource.threadAffinity();

        Result r = runWith("--data-path-cpus", "0-1023");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.lines()).containsExactly("swarmnet: --data-path-cpus 0-1023: this agent may run on CPUs " + allowed
                + " only. See 'swarmnet agent --help'.");
        assertThat(tmp.resolve("root")).doesNotExist();
    }

    @Test
    void dnsUpstreamsTakeAnOptionalPort() {
        assertThat(AgentCommand.dnsUpstream("198.51.100.1")).hasToString("/198.51.100.1:53");
        assertThat(AgentCommand.dnsUpstream("198.51.100.1:5353").getPort()).isEqualTo(5353);
        assertThat(AgentCommand.dnsUpstream("[2001:db8::1]:54").getPort()).isEqualTo(54);
        assertThat(AgentCommand.dnsUpstream("2001:db8::1").getPort()).isEqualTo(53);
    }

    @Test
    void nonNumericPortIsAUsageError() throws IOException {
        Result r = runWith("--data-path-port", "vxlan");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.lines()).singleElement().asString().startsWith("swarmnet: Invalid value for option '--data-path-port'");
    }

    @Test
    void missingAdvertiseAddrIsAUsageError() {
        Result r = run("--store", "etcd://127.0.0.1:2379");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.lines()).singleElement().asString().startsWith("swarmnet: Missing required option: '--advertise-addr=IP'");
    }

    @Test
    void embeddedStoreThatCannotOpenFailsInOneLine() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("store"), "not a directory");

        Result r = run("--advertise-addr", "127.0.0.1", "--data-root", root.toString(),
                "--metrics-addr", "127.0.0.1:" + EtcdFixture.freePort());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.lines()).singleElement().asString()
                .startsWith("swarmnet: error: cannot open the embedded store at " + root.resolve("store"));
    }

    @Test
    void unusableDataRootFailsInOneLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");

        Result r = runWith("--data-root", file.resolve("sub").toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.lines()).singleElement().asString()
                .startsWith("swarmnet: error: cannot keep the node id under --data-root " + file.resolve("sub") + ": ");
    }

    @Test
    void unreachableStoreFailsInOneLineNamingTheEndpoint() throws IOException {
        List<String> args = valid();
        String store = args.get(args.indexOf("--store") + 1);

        long start = System.nanoTime();
        Result r = run(args.toArray(String[]::new));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.lines()).singleElement().asString()
                .startsWith("swarmnet: error: cannot reach etcd at " + store.substring("etcd://".length()) + " (list members): ");
        assertThat(System.nanoTime() - start).isLessThan(4_000_000_000L);
    }

    @Test
    void helpNamesTheDataPathTransports() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));

        assertThat(cl.execute("agent", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("--data-path-transport=epoll|io_uring").contains("io_uring where the kernel allows it (default: epoll)");
    }

    @Test
    void unavailableIoUringIsAUsageErrorNamingTheCause() throws Exception {
        // Netty loads no native transport with this property, as on a kernel without io_uring
        // or with kernel.io_uring_disabled set; a JVM of its own keeps it from this one.
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
                "io.swarmnet.cli.Main", "agent"));
        argv.addAll(valid());
        argv.addAll(List.of("--data-path-transport", "io_uring"));
        Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(err).isEqualTo(2);
        assertThat(err.lines().toList()).containsExactly("swarmnet: --data-path-transport io_uring is not available"
                + " on this host: Native transport was explicit disabled with -Dio.netty.transport.noNative=true."
                + " See 'swarmnet agent --help'.");
        assertThat(tmp.resolve("root")).doesNotExist();
    }
}
