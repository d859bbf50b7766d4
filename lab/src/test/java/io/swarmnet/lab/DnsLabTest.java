package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.node.task.NamespaceTaskRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded resolver as tasks see it, with real clients (dig, the libc resolver) in
 * task namespaces of a lab with one manager and one worker. Networks dnsa and dnsb;
 * service web (vip, 2 tasks, alias www, host port 8080 to 80) on dnsa, rr (dnsrr, 2 tasks,
 * scaled to 3 and back) on dnsb, and both (1 task) on dnsa and dnsb. Names outside the cluster go to the lab's
 * dnsmasq in the internet namespace.
 */
@Tag("privileged")
@Timeout(180)
class DnsLabTest {
    private static final Duration EXEC = Duration.ofSeconds(15);
    private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(1).build();

    private static final CommandRunner RUNNER = new CommandRunner();
    private static LabTasks tasks;
    private static LabCluster cluster;
    private static LabTask both;
    private static LabTask web1;
    private static LabTask rr1;

    @BeforeAll
    static void deployServicesOnTwoNetworks() {
        tasks = LabTasks.open(LAB.lab());
        cluster = new LabCluster(LAB.lab());
        // No 'init': nothing here needs the ingress network, and each CLI call is a JVM start.
        cluster.check("network", "create", "--attachable", "dnsa");
        cluster.check("network", "create", "--attachable", "dnsb");
        cluster.check("service", "create", "--runtime", "process", "--name", "web", "--replicas", "2", "--network", "dnsa,alias=www",
                "--publish", "published=8080,target=80,mode=host", "--", "sleep", "600");
        cluster.check("service", "create", "--runtime", "process", "--name", "rr", "--replicas", "2", "--endpoint-mode", "dnsrr",
                "--network", "dnsb", "--", "sleep", "600");
        cluster.check("service", "create", "--runtime", "process", "--name", "both", "--network", "dnsa", "--network", "dnsb", "--", "sleep", "600");
        web1 = tasks.converge("web").get(0);
        rr1 = tasks.converge("rr").get(0);
        both = tasks.converge("both").get(0);
    }

    private static CommandRunner.Result inNamespace(String ns, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return RUNNER.run(EXEC, argv);
    }

    private static CommandRunner.Result dig(LabTask from, String... query) {
        List<String> argv = new ArrayList<>(List.of("dig", "@127.0.0.11", "+time=2", "+tries=1"));
        argv.addAll(List.of(query));
        return inNamespace(from.namespace(), argv.toArray(String[]::new));
    }

    /** The answer section, one "name ttl type data" line per record. */
    private static List<String> answers(LabTask from, String... query) {
        List<String> argv = new ArrayList<>(List.of("+noall", "+answer"));
        argv.addAll(List.of(query));
        CommandRunner.Result r = dig(from, argv.toArray(String[]::new));
        assertThat(r.exitCode()).as("dig %s: %s", List.of(query), r.stdout() + r.stderr()).isZero();
        return r.stdout().lines().map(l -> l.strip().replaceAll("\\s+", " ").replace(" IN ", " ")).filter(l -> !l.isEmpty())
                .toList();
    }

    private static List<String> data(List<String> answers) {
        return answers.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
    }

    private static String status(LabTask from, String... query) {
        CommandRunner.Result r = dig(from, query);
        Matcher m = STATUS.matcher(r.stdout());
        return m.find() ? m.group(1) : "no answer: " + r.stdout() + r.stderr();
    }

    private static String upstreamLog() throws IOException {
        return Files.readString(LAB.lab().stateDir().resolve("internet").resolve("dnsmasq.log"));
    }

    private static List<String> webTaskIps() {
        return tasks.tasks("web").stream().map(LabTask::ip).toList();
    }

    @Test
    void everyNameFormAnswersInsideATaskWithAShortTtl() {
        List<String> web = answers(both, "web");
        assertThat(web).hasSize(1);
        assertThat(web.get(0)).startsWith("web. 5 A ");
        String vip = data(web).get(0);
        assertThat(webTaskIps()).doesNotContain(vip);

        assertThat(data(answers(both, "tasks.web"))).containsExactlyInAnyOrderElementsOf(webTaskIps());
        assertThat(data(answers(both, "web.1"))).containsExactly(web1.ip());
        assertThat(data(answers(both, "web.1." + web1.taskId()))).containsExactly(web1.ip());
        assertThat(data(answers(both, "www"))).containsExactly(vip);
        assertThat(data(answers(both, "web.dnsa"))).containsExactly(vip);
        assertThat(data(answers(both, "tasks.web.dnsa"))).containsExactlyInAnyOrderElementsOf(webTaskIps());
        assertThat(data(answers(both, "rr"))).containsExactlyInAnyOrderElementsOf(
                tasks.tasks("rr").stream().map(LabTask::ip).toList());
        assertThat(data(answers(both, "-x", web1.ip()))).containsExactly("web.1." + web1.taskId() + ".dnsa.");
        assertThat(data(answers(both, "-x", vip))).containsExactly("web.dnsa.");
        assertThat(answers(both, "_8080._tcp.web", "SRV")).singleElement().asString().endsWith(" SRV 0 0 80 web.dnsa.");
    }

    @Test
    void aHundredTaskAnswerIsTruncatedOverUdpWithoutEdnsAndWholeOverTcp() {
        // A service of 100 tasks in the cluster state: the resolver answers from the
        // control plane's records, so the tasks need not run for the answer to be 100 long.
        cluster.check("service", "create", "--runtime", "process", "--name", "big", "--replicas", "100", "--endpoint-mode", "dnsrr",
                "--network", "dnsa", "--", "sleep", "600");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            List<String> overTcp = List.of();
            while (overTcp.size() < 100 && System.nanoTime() < deadline) {
                overTcp = answers(both, "+tcp", "tasks.big");
            }
            assertThat(overTcp).as("tasks.big over TCP").hasSize(100);

            CommandRunner.Result udp = dig(both, "+noedns", "+ignore", "tasks.big");
            assertThat(udp.stdout()).as("a 100-address answer over UDP without EDNS is cut at 512 bytes")
                    .containsPattern(";; flags: qr[a-z ]* tc[a-z ]*;").doesNotContain("ANSWER: 100");
            CommandRunner.Result edns = dig(both, "+bufsize=4096", "+ignore", "tasks.big");
            assertThat(edns.stdout()).as("EDNS0 with a 4096-byte payload takes the whole answer").contains("ANSWER: 100")
                    .doesNotContainPattern(";; flags: qr[a-z ]* tc");
        } finally {
            cluster.check("service", "rm", "big");
        }
    }

    @Test
    void theLibcResolverFindsEveryNameForm() {
        List<String> names = List.of("web", "tasks.web", "web.1", "web.1." + web1.taskId(), "www", "web.dnsa", "rr",
                "both", LabDns.EXTERNAL_NAME);
        for (String name : names) {
            CommandRunner.Result hosts = inNamespace(both.namespace(), "getent", "hosts", name);
            assertThat(hosts.exitCode()).as("getent hosts %s: %s", name, hosts.stdout() + hosts.stderr()).isZero();
            assertThat(hosts.stdout()).as(name).matches("(?s)[0-9.]+\\s+" + Pattern.quote(name) + "\\s*\n?.*");
        }
    }

    @Test
    void aaaaForAnInternalNameIsEmptyAndNeverForwarded() throws IOException {
        assertThat(status(both, "web", "AAAA")).isEqualTo("NOERROR");
        assertThat(answers(both, "web", "AAAA")).isEmpty();
        assertThat(upstreamLog()).doesNotContain("query[AAAA] web from");
    }

    @Test
    void otherNamesAreForwardedToTheLabsInternetResolver() throws IOException {
        assertThat(data(answers(web1, LabDns.EXTERNAL_NAME))).containsExactly(LabHost.INTERNET_ADDRESS);
        assertThat(status(web1, "missing.test")).isEqualTo("NXDOMAIN");
        assertThat(upstreamLog()).contains("query[A] " + LabDns.EXTERNAL_NAME + " from ");
    }

    @Test
    void aTaskResolvesOnlyNamesOfItsOwnNetworks() {
        // rr and web share no network: their names are not internal there, so they go
        // upstream, where the lab's resolver refuses them.
        assertThat(status(web1, "rr")).isEqualTo("SERVFAIL");
        assertThat(status(rr1, "web")).isEqualTo("SERVFAIL");
        assertThat(status(rr1, "-x", web1.ip())).isNotEqualTo("NOERROR");
        assertThat(answers(both, "rr")).isNotEmpty();
        assertThat(answers(both, "web")).isNotEmpty();
    }

    @Test
    void theResolverIsReachableOnlyInsideTasks() {
        for (String host : List.of("m1", "w1", "client", "internet")) {
            CommandRunner.Result r = inNamespace(LAB.namespace(host), "dig", "@127.0.0.11", "+time=1", "+tries=1", "web");
            assertThat(r.exitCode()).as("dig in %s: %s", host, r.stdout()).isNotZero();
        }
    }

    @Test
    void answersFollowAScaleWithinTheConvergenceTarget() {
        List<LabTask> three = tasks.scale("rr", 3);
        String added = three.stream().filter(t -> t.slot() == 3).findFirst().orElseThrow().ip();
        assertThat(await("rr", ips -> ips.contains(added) && ips.size() == 3)).isLessThan(Duration.ofSeconds(5));
        tasks.scale("rr", 2);
        assertThat(await("rr", ips -> !ips.contains(added) && ips.size() == 2)).isLessThan(Duration.ofSeconds(5));
    }

    /** How long until the dnsrr name answers what {@code done} wants, asked every 100 ms. */
    private static Duration await(String name, java.util.function.Predicate<List<String>> done) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> ips = data(answers(both, name));
            if (done.test(ips)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            assertThat(System.nanoTime()).as("%s still answers %s", name, ips).isLessThan(deadline);
            EtcdCluster.sleep(100);
        }
    }

    @Test
    void theAgentExportsResolverMetrics() {
        answers(both, "web");
        CommandRunner.Result r = LAB.exec(both.host(), "curl", "-s", "--max-time", "3",
                "http://" + LAB.lab().metricsAddr(both.host()) + "/metrics");

        assertThat(r.stdout()).contains("swarmnet_dns_queries_total{rcode=\"noerror\",type=\"a\"}",
                "swarmnet_dns_forwarded_total", "swarmnet_dns_latency_seconds_bucket", "swarmnet_dns_endpoints");
        Path resolv = Topology.ETC_NETNS.resolve(both.namespace()).resolve("resolv.conf");
        assertThat(resolv).content().isEqualTo(NamespaceTaskRuntime.RESOLV_CONF);
    }
}
