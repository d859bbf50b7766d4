package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Scheduling of the calling thread ({@code sys/resource.h}, {@code sched.h}): its nice
 * value and the CPUs it may run on. On Linux both belong to a thread, so
 * {@code setpriority(PRIO_PROCESS, gettid(), ...)} and {@code sched_setaffinity(0, ...)}
 * change only the caller.
 */
public final class Resource {
    static final int PRIO_PROCESS = 0;
    /** Nice values Linux accepts: -20 (most CPU) to 19 (least). */
    public static final int MIN_NICE = -20;
    public static final int MAX_NICE = 19;

    private Resource() {
    }

    /**
     * Sets the calling thread's nice value; lowering it below 0 needs CAP_SYS_NICE.
     *
     * @throws IllegalArgumentException if {@code nice} is outside {@value #MIN_NICE}..{@value #MAX_NICE}
     * @throws IOException with the errno, e.g. EACCES without the capability
     */
    public static void setThreadNice(int nice) throws IOException {
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new IllegalArgumentException("nice " + nice + " is outside " + MIN_NICE + ".." + MAX_NICE);
        }
        int res = Syscall.setpriority(PRIO_PROCESS, Syscall.gettid(), nice);
        if (res < 0) {
            throw Syscall.newIOException("setpriority", res);
        }
    }

    /** Returns the calling thread's nice value. */
    public static int threadNice() throws IOException {
        // getpriority's -1 is also a valid answer, so errno cannot be told from it; Linux
        // reports the thread's value in /proc, which has no such ambiguity.
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /**
     * Lets the calling thread run only on {@code cpus}.
     *
     * @throws IOException with the errno: EINVAL when none of the CPUs is online and allowed
     *         to this process (its cpuset), EPERM for another user's thread
     */
    public static void setThreadAffinity(CpuSet cpus) throws IOException {
        ByteBuf mask = Buffers.scratch(CpuSet.MASK_BYTES);
        try {
            long[] words = cpus.toMask();
            for (int i = 0; i < words.length; i++) {
                Buffers.setHostLong(mask, i * Long.BYTES, words[i]);
            }
            int res = Syscall.schedSetaffinity(0, CpuSet.MASK_BYTES, Buffers.address(mask, 0));
            if (res < 0) {
                throw Syscall.newIOException("sched_setaffinity " + cpus, res);
            }
        } finally {
            mask.release();
        }
    }

    /** Returns the CPUs the calling thread may run on. */
    public static CpuSet threadAffinity() throws IOException {
        ByteBuf mask = Buffers.scratch(CpuSet.MASK_BYTES);
        try {
            int res = Syscall.schedGetaffinity(0, CpuSet.MASK_BYTES, Buffers.address(mask, 0));
            if (res < 0) {
                throw Syscall.newIOException("sched_getaffinity", res);
            }
            long[] words = new long[CpuSet.MASK_BYTES / Long.BYTES];
            for (int i = 0; i < words.length; i++) {
                words[i] = Buffers.getHostLong(mask, i * Long.BYTES);
            }
            return CpuSet.fromMask(words);
        } finally {
            mask.release();
        }
    }
}
