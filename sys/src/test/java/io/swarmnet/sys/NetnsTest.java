package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Entering namespaces with setns, on the real kernel, inside namespaces the test makes. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetnsTest {
    private static final Path THREAD_NETNS = Paths.get("/proc/thread-self/ns/net");

    private TestNamespace ns;

    @BeforeEach
    void create() throws IOException {
        ns = TestNamespace.create("sys");
    }

    @AfterEach
    void remove() throws IOException {
        ns.close();
    }

    private static String threadNetns() {
        try {
            return Files.readSymbolicLink(THREAD_NETNS).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void callRunsTheTaskInsideTheNamespaceAndLeavesTheCallerWhereItWas() throws IOException {
        String before = threadNetns();
        String target = Files.readSymbolicLink(Paths.get("/proc/self/ns/net")).toString();

        String inside = ns.netns().call(NetnsTest::threadNetns);

        assertThat(inside).isNotEqualTo(before).startsWith("net:[");
        assertThat(threadNetns()).isEqualTo(before).isEqualTo(target);
        try (Netns same = Netns.named(ns.name())) {
            assertThat(same.call(NetnsTest::threadNetns)).isEqualTo(inside);
        }
    }

    @Test
    void socketsOpenedInsideStayInTheNamespace() throws IOException {
        ns.ip("link", "add", "br9", "type", "bridge");
        try (Rtnetlink inside = Rtnetlink.open(ns.netns()); Rtnetlink here = Rtnetlink.open()) {
            assertThat(inside.link("br9")).isPresent();
            assertThat(here.link("br9")).isEmpty();
        }
    }

    @Test
    void currentOpensTheCallersNamespace() throws IOException {
        String inside = ns.netns().call(() -> {
            try (Netns current = Netns.current()) {
                return current.call(NetnsTest::threadNetns);
            }
        });
        assertThat(inside).isEqualTo(ns.netns().call(NetnsTest::threadNetns));
    }

    @Test
    void taskExceptionsReachTheCallerWithTheirOwnType() {
        assertThatThrownBy(() -> ns.netns().call(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThatThrownBy(() -> ns.netns().call(() -> {
            throw new java.nio.file.NoSuchFileException("x");
        })).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void missingNamespaceIsAnAbsentError() {
        assertThatThrownBy(() -> Netns.named("sys-does-not-exist"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue())
                .hasMessageContaining("/var/run/netns/sys-does-not-exist")
                .hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> Netns.ofProcess(Integer.MAX_VALUE))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue());
    }

    @Test
    void fileThatIsNoNetworkNamespaceIsRefusedWhenOpened() {
        assertThatThrownBy(() -> Netns.open(Paths.get("/proc/self/ns/uts")))
                .isInstanceOf(NativeIoException.class).hasMessageContaining("not a network namespace");
        assertThatThrownBy(() -> Netns.open(Paths.get("/proc/self/status")))
                .isInstanceOf(NativeIoException.class).hasMessageContaining("NS_GET_NSTYPE");
    }

    @Test
    void closedNamespaceRefusesToRunTasks() throws IOException {
        Netns extra = Netns.named(ns.name());
        extra.close();
        extra.close();
        assertThatThrownBy(() -> extra.call(() -> 1)).isInstanceOf(IllegalStateException.class);
    }
}
