package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Has the kernel hand a data path's traffic to the queue or socket of the CPU it arrives
 * on, so one event loop per CPU sees only what its CPU started and a round trip never
 * wakes a loop on another CPU:
 * <ul>
 *   <li>a multi-queue TAP picks the queue by {@link #queueByCpu()}, an eBPF socket filter
 *       returning the sending CPU ({@link TapDevice#setSteeringProgram}; the kernel takes
 *       the result modulo the number of queues);</li>
 *   <li>a {@code SO_REUSEPORT} group of UDP sockets picks the socket by a classic BPF
 *       program returning the receiving CPU ({@link #attachReusePortByCpu}; a CPU beyond
 *       the group falls back to the kernel's flow hash).</li>
 * </ul>
 * Both need CAP_BPF or root.
 */
public final class CpuSteering {
    static final int BPF_PROG_LOAD = 5;
    static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    static final int BPF_FUNC_GET_SMP_PROCESSOR_ID = 8;
    /** {@code BPF_JMP | BPF_CALL} and {@code BPF_JMP | BPF_EXIT}. */
    static final int BPF_CALL = 0x85;
    static final int BPF_EXIT = 0x95;
    /** {@code union bpf_attr} as BPF_PROG_LOAD reads it; the kernel zero-fills the rest. */
    static final int PROG_LOAD_ATTR_SIZE = 128;
    static final int ATTR_INSN_CNT = 4;
    static final int ATTR_INSNS = 8;
    static final int ATTR_LICENSE = 16;
    static final int ATTR_LOG_LEVEL = 24;
    static final int ATTR_LOG_SIZE = 28;
    static final int ATTR_LOG_BUF = 32;
    static final int ATTR_PROG_NAME = 48;
    static final int LOG_SIZE = 4096;

    static final int SOL_SOCKET = 1;
    static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    /** {@code BPF_LD | BPF_W | BPF_ABS} of {@code SKF_AD_OFF + SKF_AD_CPU}, then {@code BPF_RET | BPF_A}. */
    static final int CBPF_LD_W_ABS = 0x20;
    static final int CBPF_RET_A = 0x16;
    static final int SKF_AD_CPU = 0xfffff000 + 36;
    /** {@code struct sock_fprog}: a 16-bit length, then (aligned) the filter's address. */
    static final int FPROG_SIZE = 16;
    static final int FPROG_FILTER = 8;

    private CpuSteering() {
    }

    /**
     * Loads the eBPF program a multi-queue TAP steers by: {@code return
     * bpf_get_smp_processor_id();}. The kernel runs it on the CPU that sends the frame.
     *
     * @throws NativeIoException with the errno and the verifier's first line, e.g. EPERM
     *         without CAP_BPF, ENOSYS on a machine whose bpf(2) number swarmnet does not know
     */
    public static BpfProgram queueByCpu() throws IOException {
        ByteBuf insns = Buffers.scratch(16);
        ByteBuf license = Buffers.scratch(8);
        ByteBuf log = Buffers.scratch(LOG_SIZE);
        ByteBuf attr = Buffers.scratch(PROG_LOAD_ATTR_SIZE);
        try {
            instruction(insns, 0, BPF_CALL, BPF_FUNC_GET_SMP_PROCESSOR_ID);
            instruction(insns, 8, BPF_EXIT, 0);
            // Every program names a license; this one calls no GPL-only helper.
            license.setBytes(0, "GPL".getBytes(StandardCharsets.US_ASCII));
            Buffers.setHostInt(attr, 0, BPF_PROG_TYPE_SOCKET_FILTER);
            Buffers.setHostInt(attr, ATTR_INSN_CNT, 2);
            Buffers.setHostLong(attr, ATTR_INSNS, Buffers.address(insns, 0));
            Buffers.setHostLong(attr, ATTR_LICENSE, Buffers.address(license, 0));
            Buffers.setHostInt(attr, ATTR_LOG_LEVEL, 1);
            Buffers.setHostInt(attr, ATTR_LOG_SIZE, LOG_SIZE);
            Buffers.setHostLong(attr, ATTR_LOG_BUF, Buffers.address(log, 0));
            attr.setBytes(ATTR_PROG_NAME, "swarmnet_cpu".getBytes(StandardCharsets.US_ASCII));
            int fd = Syscall.bpf(BPF_PROG_LOAD, Buffers.address(attr, 0), PROG_LOAD_ATTR_SIZE);
            if (fd < 0) {
                String verifier = Buffers.cString(log, 0, LOG_SIZE).lines().findFirst().orElse("");
                throw Syscall.newIOException("bpf BPF_PROG_LOAD" + (verifier.isEmpty() ? "" : " (" + verifier + ")"), fd);
            }
            return new BpfProgram(fd, "queue-by-cpu");
        } finally {
            insns.release();
            license.release();
            log.release();
            attr.release();
        }
    }

    /** Writes one {@code struct bpf_insn} with registers and offset 0. */
    private static void instruction(ByteBuf insns, int at, int code, int imm) {
        insns.setByte(at, code);
        Buffers.setHostInt(insns, at + 4, imm);
    }

    /**
     * Makes the {@code SO_REUSEPORT} group of UDP socket {@code fd} give each datagram to
     * the socket whose index in the group is the CPU that received it: the group's sockets
     * must be bound in CPU order, the first to serve CPU 0.
     *
     * @throws NativeIoException with the errno, e.g. EINVAL for a socket without SO_REUSEPORT
     */
    public static void attachReusePortByCpu(int fd) throws IOException {
        ByteBuf filter = Buffers.scratch(16);
        ByteBuf fprog = Buffers.scratch(FPROG_SIZE);
        try {
            Buffers.setHostShort(filter, 0, CBPF_LD_W_ABS);
            Buffers.setHostInt(filter, 4, SKF_AD_CPU);
            Buffers.setHostShort(filter, 8, CBPF_RET_A);
            Buffers.setHostShort(fprog, 0, 2);
            Buffers.setHostLong(fprog, FPROG_FILTER, Buffers.address(filter, 0));
            int res = Syscall.setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, Buffers.address(fprog, 0), FPROG_SIZE);
            if (res < 0) {
                throw Syscall.newIOException("setsockopt SO_ATTACH_REUSEPORT_CBPF", res);
            }
        } finally {
            filter.release();
            fprog.release();
        }
    }

    /** A loaded BPF program: its file descriptor, which keeps it alive until closed. */
    public static final class BpfProgram implements Closeable {
        private final int fd;
        private final String name;
        private volatile boolean closed;

        BpfProgram(int fd, String name) {
            this.fd = fd;
            this.name = name;
        }

        /** The program's file descriptor. */
        public int fd() {
            return fd;
        }

        /** Closes the descriptor; a TAP that steers by the program keeps its own reference. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            Syscall.closeOrThrow(fd, "close BPF program " + name);
        }

        @Override
        public String toString() {
            return "BpfProgram(" + name + ", fd " + fd + ")";
        }
    }
}
