package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.node.api.ApiClient;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The full shape: three etcd members, an agent on each of three managers and two workers. */
@Tag("privileged")
@Timeout(60)
class ThreeManagerLabTest {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.builder().managers(3).workers(2).build();

    @Test
    void etcdHasThreeHealthyMembersAndOneLeader() {
        LabStatus.Etcd etcd = LAB.lab().status().etcd();
        assertThat(etcd.healthy()).isTrue();
        assertThat(etcd.members()).extracting(LabStatus.Member::name).containsExactly("m1", "m2", "m3");
        assertThat(etcd.members()).allMatch(m -> m.running() && m.healthy());
        assertThat(etcd.members()).filteredOn(LabStatus.Member::leader).singleElement()
                .extracting(LabStatus.Member::name).isEqualTo(etcd.leader());
        assertThat(LAB.lab().etcdLeader()).hasValueSatisfying(l -> assertThat(l).isIn("m1", "m2", "m3"));
    }

    @Test
    void everyMemberAnswersFromAWorker() {
        assertThat(LAB.etcdEndpoints())
                .containsExactly("http://192.0.2.11:2379", "http://192.0.2.12:2379", "http://192.0.2.13:2379");
        for (String endpoint : LAB.etcdEndpoints()) {
            CommandRunner.Result r = LAB.exec("w2", "curl", "-sf", "--max-time", "2", endpoint + "/health");
            assertThat(r.stdout()).as(endpoint).contains("\"health\":\"true\"");
        }
        CommandRunner.Result members = LAB.exec("client", "etcdctl", "--endpoints=" + String.join(",", LAB.etcdEndpoints()),
                "member", "list");
        assertThat(members.stdout().strip().split("\n")).hasSize(3);
    }

    @Test
    void everyAgentIsRunningAndHealthy() {
        List<LabStatus.Agent> agents = LAB.lab().status().agents();
        assertThat(agents).extracting(LabStatus.Agent::host).containsExactly("m1", "m2", "m3", "w1", "w2");
        assertThat(agents).allMatch(a -> a.running() && a.healthy());
        assertThat(agents).extracting(LabStatus.Agent::metricsAddr).contains("192.0.2.11:9323", "192.0.2.22:9323");
    }

    @Test
    void everyAgentAnswersOnItsLocalApiSocket() throws Exception {
        for (String host : List.of("m1", "m2", "m3", "w1", "w2")) {
            JsonNode info = new ApiClient(LAB.lab().apiSocket(host)).call("GET", "/v1/info", null);
            assertThat(info.path("hostname").asText()).isEqualTo(LAB.namespace(host));
            assertThat(info.path("advertiseAddr").asText()).isEqualTo(LAB.address(host));
            assertThat(info.path("role").asText()).isEqualTo(host.startsWith("m") ? "manager" : "worker");
        }
    }

    @Test
    void agentsServeMetricsReachableFromTheClient() {
        CommandRunner.Result r = LAB.exec("client", "curl", "-sf", "--max-time", "2",
                "http://" + LAB.lab().metricsAddr("w1") + "/metrics");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isNotBlank();
    }

    @Test
    void storeUrlNamesEveryManager() {
        assertThat(LAB.storeUrl()).isEqualTo("etcd://192.0.2.11:2379,192.0.2.12:2379,192.0.2.13:2379");
    }
}
