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
}
