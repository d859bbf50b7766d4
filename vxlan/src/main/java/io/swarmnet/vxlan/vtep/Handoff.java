package io.swarmnet.vxlan.vtep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frames one data-path shard passes to the shard that owns the load balancer: a bounded
 * ring with one producer (the shard's event loop) and one consumer (the owner's), whose
 * slots are buffers the producer copies each frame into. A slot starts at
 * {@link #INITIAL_SLOT} bytes and grows, once, to the longest frame it carries (at most
 * the slot size given), so nothing allocates per frame in a steady state and a ring of
 * small frames stays small. The producer {@link #signal}s at the end of its batch and the
 * owner drains everything queued in one task; a full ring refuses the frame, which the
 * producer drops and counts ({@link DropReason#HANDOFF_FULL}).
 *
 * <p>Ordering: the producer writes a slot, then publishes the tail with release semantics;
 * the consumer reads the tail with acquire semantics before the slot, and publishes the
 * head after it is done with the slot.
 */
final class Handoff {
    /** A frame a local port sent, with its virtio header: the owner classifies it again. */
    static final int FROM_PORT = 0;
    /** A decapsulated frame for a local port: the owner translates it back and delivers it. */
    static final int FROM_PEER = 1;

    /** Reads each handed-off frame on the owner's loop. */
    interface Sink {
        /** One frame; must not throw (the data path counts its own failures). */
        void frame(int kind, int vni, int port, ByteBuf buf, int offset, int length);

        /** After the last frame of a drain: the owner ends its batch. */
        void drained();
    }

    /** What a slot holds before it first carries a longer frame: a full-MTU frame and its headers. */
    static final int INITIAL_SLOT = 2048;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(Handoff.class, "head", long.class);
            TAIL = lookup.findVarHandle(Handoff.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ByteBuf[] slots;
    private final int[] kinds;
    private final int[] vnis;
    private final int[] ports;
    private final int[] lengths;
    private final int mask;
    private final int slotSize;
    private final Executor owner;
    private final Sink sink;
    private final Runnable drain = this::drain;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;
    /** Producer only: the tail it has published, and whether it queued since its last signal. */
    private long producerTail;
    private boolean pending;

    /**
     * Makes a ring of {@code capacity} (a power of two) slots of {@code slotSize} bytes,
     * drained on {@code owner} into {@code sink}.
     */
    Handoff(int capacity, int slotSize, Executor owner, Sink sink) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("handoff capacity " + capacity + " is not a power of two");
        }
        this.slots = new ByteBuf[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = Unpooled.directBuffer(Math.min(INITIAL_SLOT, slotSize), slotSize);
        }
        this.kinds = new int[capacity];
        this.vnis = new int[capacity];
        this.ports = new int[capacity];
        this.lengths = new int[capacity];
        this.mask = capacity - 1;
        this.slotSize = slotSize;
        this.owner = owner;
        this.sink = sink;
    }

    /**
     * Producer: copies a frame into the next slot; returns false when the ring is full or
     * the frame is longer than a slot.
     */
    boolean offer(int kind, int vni, int port, ByteBuf buf, int offset, int length) {
        long t = producerTail;
        if (length > slotSize || t - (long) HEAD.getAcquire(this) > mask) {
            return false;
        }
        int i = (int) t & mask;
        ByteBuf slot = slots[i];
        if (slot.capacity() < length) {
            slot.capacity(length);
        }
        // The views check what they read against the writer index: the frame is all of it.
        slot.setIndex(0, length);
        Copy.bytes(buf, offset, slot, 0, length);
        kinds[i] = kind;
        vnis[i] = vni;
        ports[i] = port;
        lengths[i] = length;
        producerTail = t + 1;
        TAIL.setRelease(this, t + 1);
        pending = true;
        return true;
    }

    /** Producer, at the end of its batch: has the owner drain what was queued. */
    void signal() {
        if (pending) {
            pending = false;
            if (scheduled.compareAndSet(false, true)) {
                owner.execute(drain);
            }
        }
    }

    /** Consumer: hands every queued frame to the sink. */
    private void drain() {
        // Cleared first: a frame queued from here on schedules another drain.
        scheduled.set(false);
        long h = (long) HEAD.getOpaque(this);
        long t = (long) TAIL.getAcquire(this);
        for (; h < t; h++) {
            int i = (int) h & mask;
            // The sink counts what it fails on; the slot is given back whatever happens.
            sink.frame(kinds[i], vnis[i], ports[i], slots[i], 0, lengths[i]);
            HEAD.setRelease(this, h + 1);
        }
        sink.drained();
    }

    /** Frees the slots; after both loops have ended. */
    void release() {
        for (ByteBuf slot : slots) {
            slot.release();
        }
    }
}
