package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PreflightTest {

    @Test
    void readsTheEffectiveUidNotTheRealOne() {
        String status = "Name:\tjava\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n";
        assertThat(Preflight.effectiveUid(status)).isZero();
    }

    @Test
    void refusesANonRootUserWithAHint() {
        assertThatThrownBy(() -> Preflight.requireRoot(1000))
                .isInstanceOf(LabException.class)
                .hasMessage("the lab needs root (it creates network namespaces); run it as root or with sudo");
    }

    @Test
    void namesAMissingEtcdBinary() {
        assertThatThrownBy(() -> Preflight.etcd(Path.of("/nonexistent/etcd")))
                .isInstanceOf(LabException.class)
                .hasMessage("etcd not found at /nonexistent/etcd (--etcd must name an executable file)");
    }

    @Test
    void findsAToolOnThePath() {
        assertThat(Preflight.onPath("sh")).isPresent();
        assertThat(Preflight.onPath("no-such-tool-swarmnet")).isEmpty();
        assertThatThrownBy(() -> Preflight.require("no-such-tool-swarmnet", "pkg"))
                .hasMessage("no-such-tool-swarmnet not found on PATH; install it (apt-get install pkg)");
    }

    @Test
    void tellsAStaticBinaryFromADynamicOne() {
        // The JVM running this test is dynamically linked everywhere; the static busybox
        // is there where the lab's images can be built.
        assertThat(Preflight.dynamic(Path.of(AgentFleet.java()))).isTrue();
        Preflight.onPath("busybox").filter(b -> b.toString().equals("/bin/busybox") || b.toString().equals("/usr/bin/busybox"))
                .ifPresent(b -> assertThat(Preflight.dynamic(b)).as(b.toString()).isFalse());
        assertThatThrownBy(() -> Preflight.dynamic(Path.of("/etc/hostname"))).isInstanceOf(LabException.class);
    }
}
