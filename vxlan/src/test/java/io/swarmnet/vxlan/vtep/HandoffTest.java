package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring a data-path shard passes frames to the owner of the load balancer through. */
class HandoffTest {
    /** Runs what it is given when told, as a loop that has not got round to it yet. */
    static final class ManualExecutor implements java.util.concurrent.Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }
    }

    static final class Recorder implements Handoff.Sink {
        final List<String> frames = new ArrayList<>();
        int drains;

        @Override
        public void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
            frames.add(kind + "/" + vni + "/" + port + "/" + buf.toString(offset, length, java.nio.charset.StandardCharsets.US_ASCII));
        }

        @Override
        public void drained() {
            drains++;
        }
    }

    private static boolean offer(Handoff h, int kind, int port, String text) {
        ByteBuf b = Unpooled.copiedBuffer("xx" + text, java.nio.charset.StandardCharsets.US_ASCII);
        try {
            return h.offer(kind, 7, port, b, 2, text.length());
        } finally {
            b.release();
        }
    }

    @Test
    void passesFramesInOrderWithOneDrainPerSignal() {
        ManualExecutor owner = new ManualExecutor();
        Recorder sink = new Recorder();
        Handoff h = new Handoff(4, 16, owner, sink);
        try {
            assertThat(offer(h, Handoff.FROM_PORT, 1, "one")).isTrue();
            assertThat(offer(h, Handoff.FROM_PEER, 2, "two")).isTrue();
            assertThat(owner.tasks).as("nothing before the batch ends").isEmpty();
            h.signal();
            h.signal();
            assertThat(owner.tasks).as("one drain for the batch").hasSize(1);
            owner.runAll();
            assertThat(sink.frames).containsExactly("0/7/1/one", "1/7/2/two");
            assertThat(sink.drains).isEqualTo(1);
            h.signal();
            assertThat(owner.tasks).as("a batch that queued nothing signals nothing").isEmpty();
        } finally {
            h.release();
        }
    }

    @Test
    void aFullRingOrAFrameLongerThanASlotIsRefused() {
        ManualExecutor owner = new ManualExecutor();
        Recorder sink = new Recorder();
        Handoff h = new Handoff(2, 8, owner, sink);
        try {
            assertThat(offer(h, Handoff.FROM_PORT, 1, "a")).isTrue();
            assertThat(offer(h, Handoff.FROM_PORT, 1, "b")).isTrue();
            assertThat(offer(h, Handoff.FROM_PORT, 1, "c")).as("full").isFalse();
            assertThat(offer(h, Handoff.FROM_PORT, 1, "longer than 8")).as("too long").isFalse();
            h.signal();
            owner.runAll();
            assertThat(sink.frames).containsExactly("0/7/1/a", "0/7/1/b");
            assertThat(offer(h, Handoff.FROM_PORT, 1, "d")).as("room again once drained").isTrue();
        } finally {
            h.release();
        }
        assertThatThrownBy(() -> new Handoff(3, 8, new ManualExecutor(), new Recorder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }

    /** A slot grows to a long frame (a TSO super-frame for a VIP) once, and carries it whole. */
    @Test
    void aSlotGrowsToALongFrameUpToTheSlotSize() {
        ManualExecutor owner = new ManualExecutor();
        List<Integer> lengths = new ArrayList<>();
        List<Byte> lastBytes = new ArrayList<>();
        Handoff h = new Handoff(2, 65_000, owner, new Handoff.Sink() {
            @Override
            public void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
                lengths.add(length);
                lastBytes.add(buf.getByte(offset + length - 1));
            }

            @Override
            public void drained() {
            }
        });
        ByteBuf big = Unpooled.buffer(64_000).writeZero(63_999).writeByte(42);
        try {
            assertThat(h.offer(Handoff.FROM_PORT, 1, 1, big, 0, 64_000)).isTrue();
            assertThat(h.offer(Handoff.FROM_PORT, 1, 1, big, 0, 65_001)).as("past the slot size").isFalse();
            h.signal();
            owner.runAll();
            assertThat(lengths).containsExactly(64_000);
            assertThat(lastBytes).containsExactly((byte) 42);
        } finally {
            big.release();
            h.release();
        }
    }

    /** A producer thread and an owner thread: every frame the ring took arrives, once, in order. */
    @Test
    void losesNothingAcrossThreads() throws Exception {
        ExecutorService owner = Executors.newSingleThreadExecutor();
        int total = 200_000;
        long[] seen = {0, 0};
        Handoff.Sink sink = new Handoff.Sink() {
            @Override
            public void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
                long n = buf.getLong(offset);
                if (n != seen[0]) {
                    seen[1]++;
                }
                seen[0] = n + 1;
            }

            @Override
            public void drained() {
            }
        };
        Handoff h = new Handoff(64, 8, owner, sink);
        ByteBuf b = Unpooled.directBuffer(8);
        try {
            for (long n = 0; n < total; n++) {
                b.setLong(0, n);
                while (!h.offer(Handoff.FROM_PEER, 1, 1, b, 0, 8)) {
                    h.signal();
                    Thread.onSpinWait();
                }
                if (n % 7 == 0) {
                    h.signal();
                }
            }
            h.signal();
            owner.shutdown();
            assertThat(owner.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(seen[1]).as("frames out of order or lost").isZero();
            assertThat(seen[0]).isEqualTo(total);
        } finally {
            b.release();
            h.release();
        }
    }
}
