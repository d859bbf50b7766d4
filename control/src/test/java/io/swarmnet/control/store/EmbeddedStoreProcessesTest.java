package io.swarmnet.control.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store shared by separate JVMs, as the agent and CLI runs share it on a host. */
@Timeout(90)
class EmbeddedStoreProcessesTest {
    private static final int INCREMENTS = 40;

    /** A child JVM: compare-and-swap increments of one counter. */
    public static final class Incrementer {
        private Incrementer() {
        }

        public static void main(String[] args) {
            try (EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]))) {
                for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                    increment(store);
                }
            }
        }
    }

    static void increment(Store store) {
        while (true) {
            KeyValue kv = store.get("/counter").orElse(null);
            long readAt = kv == null ? 0 : kv.modRevision();
            int next = kv == null ? 1 : Integer.parseInt(kv.valueAsString()) + 1;
            if (store.commit(Transaction.create().ifModRevision("/counter", readAt)
                    .put("/counter", Integer.toString(next).getBytes(UTF_8))).succeeded()) {
                return;
            }
        }
    }

    @Test
    void processesTakingTurnsLoseNoUpdateAndAWatchSeesEveryOne(@TempDir Path dir) throws Exception {
        try (EmbeddedStore here = EmbeddedStore.open(dir)) {
            StoreContract.Recorder recorder = new StoreContract.Recorder();
            try (Watch watch = here.watch("/counter", 1, recorder)) {
                List<Process> children = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp", System.getProperty("java.class.path"),
                            Incrementer.class.getName(), dir.toString(), Integer.toString(INCREMENTS))
                            .inheritIO().start());
                }
                try {
                    for (int i = 0; i < INCREMENTS; i++) {
                        increment(here);
                    }
                    for (Process child : children) {
                        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                        assertThat(child.exitValue()).isZero();
                    }
                } finally {
                    children.forEach(Process::destroyForcibly);
                }

                int total = 3 * INCREMENTS;
                assertThat(here.get("/counter").orElseThrow().valueAsString()).isEqualTo(Integer.toString(total));
                List<String> seen = new ArrayList<>();
                recorder.takeEvents(total).forEach(call -> call.forEach(e -> seen.add(new String(e.value(), UTF_8))));
                assertThat(seen).hasSize(total);
                for (int i = 0; i < total; i++) {
                    assertThat(seen.get(i)).isEqualTo(Integer.toString(i + 1));
                }
            }
        }
    }
}
