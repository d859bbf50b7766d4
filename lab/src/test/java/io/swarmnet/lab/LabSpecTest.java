package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabSpecTest {

    @Test
    void acceptsLowercaseNamesUpToTwelveCharacters() {
        assertThat(LabSpec.builder().name("a").build().name()).isEqualTo("a");
        assertThat(LabSpec.builder().name("abcdefghij12").build().name()).isEqualTo("abcdefghij12");
    }

    @Test
    void rejectsNamesThatCouldCollideOrOverflow() {
        for (String bad : List.of("", "Lab", "my-lab", "my_lab", "1lab", "abcdefghij123", "lab ", "..")) {
            assertThatThrownBy(() -> LabSpec.builder().name(bad).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid lab name")
                    .hasMessageContaining("1 to 12 lowercase letters and digits");
        }
        assertThatThrownBy(() -> LabSpec.builder().name(null).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsManagerCountsOutsideOneToSeven() {
        assertThatThrownBy(() -> LabSpec.builder().managers(0).build())
                .hasMessage("--managers must be between 1 and 7, got 0");
        assertThatThrownBy(() -> LabSpec.builder().managers(8).build())
                .hasMessage("--managers must be between 1 and 7, got 8");
        assertThat(LabSpec.builder().managers(7).build().managers()).isEqualTo(7);
    }

    @Test
    void rejectsNegativeOrTooManyWorkers() {
        assertThatThrownBy(() -> LabSpec.builder().workers(-1).build())
                .hasMessage("--workers must be between 0 and 20, got -1");
        assertThatThrownBy(() -> LabSpec.builder().workers(21).build())
                .hasMessage("--workers must be between 0 and 20, got 21");
        assertThat(LabSpec.builder().workers(0).build().workers()).isZero();
    }

    @Test
    void rejectsUnderlayMtuOutOfRange() {
        assertThatThrownBy(() -> LabSpec.builder().underlayMtu(575).build())
                .hasMessage("--underlay-mtu must be between 576 and 9000, got 575");
        assertThatThrownBy(() -> LabSpec.builder().underlayMtu(9001).build()).hasMessageContaining("9001");
    }

    @Test
    void passesDataPathCpusToTheAgentsAndRejectsBadLists() {
        assertThatThrownBy(() -> LabSpec.builder().dataPathCpus("1-0").build())
                .hasMessage("--data-path-cpus: CPU list '1-0': range 1-0 ends below its start");
        LabSpec spec = LabSpec.builder().dataPathCpus("0").build();
        assertThat(spec.dataPathCpus()).isEqualTo("0");
        LabHost w1 = LabHost.plan(spec.name(), 1, 1).get(1);
        assertThat(AgentFleet.command(w1, "etcd://x", Path.of("/d"), "epoll", spec.dataPathCpus()))
                .containsSubsequence("--data-path-cpus", "0");
        assertThat(AgentFleet.command(w1, "etcd://x", Path.of("/d"), "epoll", null)).doesNotContain("--data-path-cpus");
    }

    @Test
    void warnsAboutAnEvenManagerCountOnly() {
        assertThat(LabSpec.builder().managers(3).build().warnings()).isEmpty();
        assertThat(LabSpec.builder().managers(2).build().warnings())
                .singleElement().asString().contains("odd count tolerates failures better");
    }

    @Test
    void plansHostsAndAddressesOfTheDesign() {
        List<LabHost> hosts = LabHost.plan("x", 3, 2);
        assertThat(hosts).extracting(LabHost::name)
                .containsExactly("fabric", "m1", "m2", "m3", "w1", "w2", "client", "internet");
        assertThat(hosts).extracting(LabHost::address)
                .containsExactly("192.0.2.1", "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.21", "192.0.2.22",
                        "192.0.2.100", "198.51.100.1");
        assertThat(hosts).extracting(LabHost::namespace).allMatch(ns -> ns.startsWith("x-"));
        assertThat(LabHost.plan("x", 7, 20)).extracting(LabHost::address)
                .contains("192.0.2.17", "192.0.2.40").doesNotHaveDuplicates();
    }

    @Test
    void givesADockerSocketToManagersAndWorkersOnlyAndOnlyWithDocker() {
        LabSpec spec = LabSpec.builder().name("x").managers(1).workers(1).docker(true).build();
        Path state = Path.of("/run/swarmnet/lab/x");
        List<LabHost> hosts = LabState.initial(spec, Path.of("etcdctl")).hosts(state);
        assertThat(hosts).filteredOn(LabHost::runsDocker).extracting(LabHost::name).containsExactly("m1", "w1");
        assertThat(hosts.get(2).dockerHost()).isEqualTo("unix:///run/swarmnet/lab/x/w1/docker/docker.sock");
        assertThat(LabSpec.builder().build().docker()).isFalse();
        assertThat(LabState.initial(LabSpec.builder().name("x").build(), Path.of("etcdctl")).hosts(state))
                .noneMatch(LabHost::runsDocker);
    }

    @Test
    void matchesOnlyTheLabsOwnCgroups() {
        var p = LabDockerd.cgroupPattern("ab");
        assertThat(List.of("swarmnet-ab-m1", "swarmnet-ab-w20")).allMatch(n -> p.matcher(n).matches());
        assertThat(List.of("swarmnet-abc-m1", "swarmnet-a-m1", "swarmnet-ab-client", "swarmnet-ab-m1-x", "ab-m1"))
                .noneMatch(n -> p.matcher(n).matches());
    }

    @Test
    void matchesOnlyTheLabsOwnNamespaceNames() {
        var p = LabTeardown.namespacePattern("ab");
        assertThat(List.of("ab-fabric", "ab-m1", "ab-m7", "ab-w20", "ab-client", "ab-internet", "ab-w1-kvx",
                "ab-m2-web.3"))
                .allMatch(n -> p.matcher(n).matches());
        assertThat(List.of("abc-m1", "a-m1", "ab-m0", "ab-x", "ab-m1x", "ab-fabric2", "xab-m1", "ab-w1-",
                "ab-client-x", "abc-w1-kvx"))
                .noneMatch(n -> p.matcher(n).matches());
    }

    @Test
    void fabricPortNamesFitTheInterfaceNameLimit() {
        for (LabHost h : LabHost.plan("abcdefghijkl", LabSpec.MAX_MANAGERS, LabSpec.MAX_WORKERS)) {
            assertThat(Topology.fabricPort(h).length()).isLessThanOrEqualTo(15);
        }
    }
}
