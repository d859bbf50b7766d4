package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ResourceTest {
    /** Runs {@code body} on a thread of its own, whose nice value dies with it. */
    private static void onOwnThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void raisingTheNiceValueChangesOnlyTheCallingThread() throws Exception {
        int mine = Resource.threadNice();
        onOwnThread(() -> {
            Resource.setThreadNice(7);
            assertThat(Resource.threadNice()).isEqualTo(7);
        });
        assertThat(Resource.threadNice()).isEqualTo(mine);
    }

    @Test
    @Tag("privileged")
    void rootMayLowerIt() throws Exception {
        onOwnThread(() -> {
            Resource.setThreadNice(-5);
            assertThat(Resource.threadNice()).isEqualTo(-5);
        });
    }

    @Test
    void outOfRangeValuesAreRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> Resource.setThreadNice(-21)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nice -21 is outside -20..19");
        assertThatThrownBy(() -> Resource.setThreadNice(20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void affinityChangesOnlyTheCallingThreadAndTheThreadRunsThere() throws Exception {
        CpuSet mine = Resource.threadAffinity();
        int last = lastCpu(mine);
        CpuSet one = CpuSet.of(last);
        onOwnThread(() -> {
            Resource.setThreadAffinity(one);
            assertThat(Resource.threadAffinity()).isEqualTo(one);
            Thread.yield();
            assertThat(currentCpu()).isEqualTo(last);
        });
        assertThat(Resource.threadAffinity()).isEqualTo(mine);
    }

    @Test
    void anAffinityWithNoUsableCpuIsRefusedAndChangesNothing() throws Exception {
        onOwnThread(() -> {
            CpuSet before = Resource.threadAffinity();
            assertThatThrownBy(() -> Resource.setThreadAffinity(CpuSet.of(CpuSet.MAX_CPUS - 1)))
                    .isInstanceOf(NativeIoException.class)
                    .hasMessageContaining("sched_setaffinity 1023")
                    .hasMessageContaining("Invalid argument");
            assertThat(Resource.threadAffinity()).isEqualTo(before);
        });
    }

    private static int lastCpu(CpuSet set) {
        int last = -1;
        for (int cpu = 0; cpu < CpuSet.MAX_CPUS; cpu++) {
            last = set.contains(cpu) ? cpu : last;
        }
        return last;
    }

    /** The CPU the calling thread last ran on: field 39 of its stat. */
    private static int currentCpu() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[36]);
    }
}
