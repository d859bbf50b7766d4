package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** net.* sysctls follow the calling thread's namespace; the root namespace is only read. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SysctlTest {
    private TestNamespace ns;

    @BeforeEach
    void create() throws IOException {
        ns = TestNamespace.create("sys");
    }

    @AfterEach
    void remove() throws IOException {
        ns.close();
    }

    @Test
    void writesInsideANamespaceChangeOnlyThatNamespace() throws IOException {
        String rootBefore = Sysctl.read("net.ipv4.ip_forward");

        String inside = ns.netns().call(() -> {
            Sysctl.write("net.ipv4.ip_forward", "1");
            return Sysctl.read("net.ipv4.ip_forward");
        });

        assertThat(inside).isEqualTo("1");
        assertThat(ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").trim()).isEqualTo("1");
        assertThat(Sysctl.read("net.ipv4.ip_forward")).isEqualTo(rootBefore);
    }

    @Test
    void unknownKeyIsNoSuchFileAndBadValueIsRefused() {
        assertThatThrownBy(() -> ns.netns().call(() -> Sysctl.read("net.ipv4.no_such_key")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> ns.netns().call(() -> {
            Sysctl.write("net.ipv4.ip_forward", "not-a-number");
            return null;
        })).isInstanceOf(IOException.class);
    }
}
