package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swarmnet.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** One manager, two workers, a 1400-byte underlay, no agents: the underlay, the fabric router and etcd work. */
@Tag("privileged")
@Timeout(60)
class SmallLabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(1).workers(2).underlayMtu(1400).agents(false).build();

    private static void assertPings(String from, String to) {
        CommandRunner.Result r = LAB.exec(from, "ping", "-c1", "-W2", to);
        assertThat(r.exitCode()).as("ping %s -> %s: %s", from, to, r.stdout() + r.stderr()).isZero();
    }

    @Test
    void hostsReachEachOtherOverTheUnderlay() {
        for (String from : List.of("m1", "w1", "w2")) {
            for (String to : List.of("m1", "w1", "w2")) {
                if (!from.equals(to)) {
                    assertPings(from, LAB.address(to));
                }
            }
        }
    }

    @Test
    void clientReachesEveryHostAndTheGateway() {
        for (String to : List.of("m1", "w1", "w2", "fabric")) {
            assertPings("client", LAB.address(to));
        }
    }

    @Test
    void hostsReachTheInternetThroughTheFabric() throws Exception {
        assertPings("w1", LabHost.INTERNET_ADDRESS);
        assertPings("client", LabHost.INTERNET_ADDRESS);
        // TCP both ways through the fabric's forwarding: an iperf3 server in the internet
        // namespace, a 64 KiB transfer from a worker.
        Process server = LAB.lab().start("internet", "iperf3", "-s", "-1", "-B", LabHost.INTERNET_ADDRESS, "-p", "5201");
        try {
            CommandRunner.Result r = null;
            for (int attempt = 0; attempt < 40; attempt++) {
                r = LAB.exec("w1", "iperf3", "-c", LabHost.INTERNET_ADDRESS, "-p", "5201", "-n", "64K");
                if (r.ok()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(r.exitCode()).as("iperf3 client: %s", r.stdout() + r.stderr()).isZero();
        } finally {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    @Test
    void internetDoesNotSeeTheUnderlayAsLocal() {
        String routes = LAB.exec("internet", "ip", "route").stdout();
        assertThat(routes).contains("default via 198.51.100.254").doesNotContain("192.0.2.0/24");
    }

    @Test
    void appliesTheUnderlayMtuToEveryLinkAndTheBridge() {
        for (String host : List.of("m1", "w1", "w2", "client", "internet")) {
            assertThat(LAB.exec(host, "cat", "/sys/class/net/eth0/mtu").stdout().strip()).as(host).isEqualTo("1400");
        }
        for (String port : List.of("br0", "v-m1", "v-w1", "v-w2", "v-client", "internet")) {
            assertThat(LAB.exec("fabric", "cat", "/sys/class/net/" + port + "/mtu").stdout().strip()).as(port)
                    .isEqualTo("1400");
        }
        // 1372 bytes of ICMP payload + 28 of headers fill 1400 exactly; one more must not pass.
        assertThat(LAB.exec("m1", "ping", "-c1", "-W2", "-M", "do", "-s", "1372", LAB.address("w1")).exitCode()).isZero();
        assertThat(LAB.exec("m1", "ping", "-c1", "-W2", "-M", "do", "-s", "1373", LAB.address("w1")).exitCode()).isNotZero();
    }

    @Test
    void everyHostHasItsAddressAndADefaultRouteViaTheFabric() {
        String addr = LAB.exec("w2", "ip", "-4", "-o", "addr", "show", "dev", "eth0").stdout();
        assertThat(addr).contains("192.0.2.22/24");
        assertThat(LAB.exec("w2", "ip", "route").stdout()).contains("default via 192.0.2.1 dev eth0");
        assertThat(LAB.exec("fabric", "sysctl", "-n", "net.ipv4.ip_forward").stdout().strip()).isEqualTo("1");
        assertThat(LAB.exec("w2", "ip", "-o", "link", "show", "lo").stdout()).contains("UP");
    }

    @Test
    void resolvesThroughTheLabsOwnInternet() throws Exception {
        for (LabHost h : LAB.lab().hosts()) {
            Path conf = Path.of("/etc/netns", h.namespace(), "resolv.conf");
            assertThat(Files.readString(conf)).isEqualTo("nameserver 198.51.100.1\n");
        }
        assertThat(LAB.exec("client", "cat", "/etc/resolv.conf").stdout()).isEqualTo("nameserver 198.51.100.1\n");
    }

    @Test
    void etcdHasOneHealthyMemberLeadingItself() {
        LabStatus s = LAB.lab().status();
        assertThat(s.etcd().healthy()).isTrue();
        assertThat(s.etcd().leader()).isEqualTo("m1");
        assertThat(s.etcd().members()).singleElement()
                .isEqualTo(new LabStatus.Member("m1", "http://192.0.2.11:2379", true, true, true));
        assertThat(LAB.etcdEndpoints()).containsExactly("http://192.0.2.11:2379");
        assertThat(LAB.storeUrl()).isEqualTo("etcd://192.0.2.11:2379");
        // A worker writes and reads through the underlay.
        String endpoint = "--endpoints=" + LAB.etcdEndpoints().get(0);
        assertThat(LAB.exec("w1", "etcdctl", endpoint, "put", "/lab/probe", "ok").exitCode()).isZero();
        assertThat(LAB.exec("w2", "etcdctl", endpoint, "get", "--print-value-only", "/lab/probe").stdout().strip())
                .isEqualTo("ok");
    }

    @Test
    void statusShowsEveryHostPresentAndTheLabHealthy() {
        LabStatus s = LAB.lab().status();
        assertThat(s.complete()).isTrue();
        assertThat(s.hosts()).extracting(LabStatus.Host::name)
                .containsExactly("fabric", "m1", "w1", "w2", "client", "internet");
        assertThat(s.hosts()).allMatch(LabStatus.Host::present);
        assertThat(s.healthy()).isTrue();
    }

    @Test
    void cliStatusPrintsJsonForScripts() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("lab", "status", "--name", LAB.name(), "--format", "json")).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.path("name").asText()).isEqualTo(LAB.name());
        assertThat(json.path("healthy").asBoolean()).isTrue();
        assertThat(json.path("etcd").path("leader").asText()).isEqualTo("m1");
        assertThat(json.path("hosts")).hasSize(6);
    }

    @Test
    void cliExecReturnsTheCommandsExitCode() {
        CommandLine cl = Main.commandLine();
        assertThat(cl.execute("lab", "exec", "--name", LAB.name(), "w1", "--", "sh", "-c", "exit 3")).isEqualTo(3);
        assertThat(cl.execute("lab", "exec", "--name", LAB.name(), "client", "ping", "-c1", "-W2", "192.0.2.21")).isZero();
    }

    @Test
    void cliExecNamesTheHostsOfTheLabForAnUnknownHost() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("lab", "exec", "--name", LAB.name(), "w9", "true")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("swarmnet: error: no host 'w9' in lab '" + LAB.name()
                + "' (hosts: fabric, m1, w1, w2, client, internet)");
    }

    @Test
    void upRefusesALabThatExistsAndChangesNothing() {
        Set<String> before = LabTeardown.existingNamespaces(LAB.name());
        assertThatThrownBy(() -> Lab.up(LabSpec.builder().name(LAB.name()).agents(false).build()))
                .isInstanceOf(LabException.class)
                .hasMessage("lab '" + LAB.name() + "' already exists; run 'swarmnet lab down --name " + LAB.name()
                        + "' first");
        assertThat(LabTeardown.existingNamespaces(LAB.name())).isEqualTo(before);
        assertThat(LAB.lab().status().healthy()).isTrue();
    }

    @Test
    void execTimesOutInsteadOfHanging() {
        assertThatThrownBy(() -> LAB.exec("w1", Duration.ofMillis(300), List.of("sleep", "5")))
                .isInstanceOf(LabException.class)
                .hasMessageContaining("did not finish within");
    }
}
