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
 * The variants with a bulk threshold keep that for small packets only (requests, replies,
 * ACKs: latency) and spread longer ones by flow (a bulk stream: the work of its two ends
 * then runs on different CPUs, and a flow stays in one queue, in order). IPv4 fragments go
 * by flow whatever their size, so a datagram's short last fragment stays behind its first
 * (which a load balancer must see first: it alone carries the ports).
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

    /** {@code struct __sk_buff}: where an eBPF socket filter reads the length and the flow hash. */
    static final int SKB_LEN = 0;
    static final int SKB_HASH = 68;
    /** eBPF opcodes: {@code LDX|MEM|W}, {@code JMP|JLE|K}, {@code ALU64|MOV|X}. */
    static final int BPF_LDX_MEM_W = 0x61;
    static final int BPF_JLE_K = 0xb5;
    static final int BPF_MOV64_X = 0xbf;
    /** eBPF {@code ALU64|MOV|K}, {@code ALU64|AND|K}, {@code JMP|JNE|K}, legacy {@code LD|ABS|H}. */
    static final int BPF_MOV64_K = 0xb7;
    static final int BPF_AND64_K = 0x57;
    static final int BPF_JNE_K = 0x55;
    static final int BPF_LD_ABS_H = 0x28;
    /** Classic BPF: {@code LD|H|ABS}, {@code JMP|JEQ|K}, {@code JMP|JSET|K}. */
    static final int CBPF_LDH_ABS = 0x28;
    static final int CBPF_JEQ_K = 0x15;
    static final int CBPF_JSET_K = 0x45;
    /** IPv4's EtherType, and the mask of its header's more-fragments flag and fragment offset. */
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int FRAGMENT_MASK = 0x3FFF;
    /** Where a frame's EtherType and its IPv4 header's fragment field are (untagged Ethernet). */
    static final int FRAME_ETHERTYPE = 12;
    static final int FRAME_FRAGMENT = 14 + 6;
    /** The same in a VXLAN datagram's payload, behind the 8-byte VXLAN header. */
    static final int VXLAN_ETHERTYPE = 8 + FRAME_ETHERTYPE;
    static final int VXLAN_FRAGMENT = 8 + FRAME_FRAGMENT;
    /** Classic BPF: {@code LD|W|LEN}, {@code JMP|JGT|K}, {@code ALU|MOD|K}, {@code RET|K}. */
    static final int CBPF_LD_LEN = 0x80;
    static final int CBPF_JGT_K = 0x25;
    static final int CBPF_MOD_K = 0x94;
    static final int CBPF_RET_K = 0x06;
    /** No size limit: every frame or datagram goes by CPU. */
    public static final int NO_BULK = Integer.MAX_VALUE;

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
        return queueByCpu(NO_BULK);
    }

    /**
     * Loads the eBPF program a multi-queue TAP steers by: a frame of up to
     * {@code bulkBytes} goes to the queue of the CPU that sends it, a longer one (a TSO
     * super-frame of a bulk flow) by its flow hash, so all of a flow's bulk stays in one
     * queue, in order, whichever CPU sends it, and flows spread over the queues. An IPv4
     * fragment goes by hash too (the kernel gives a datagram's fragments the hash of the
     * datagram):
     * <pre>
     *   r7 = skb-&gt;len; r8 = skb-&gt;hash;
     *   if (ethertype == 0x0800 &amp;&amp; (ip-&gt;frag_off &amp; 0x3fff)) return r8;
     *   r0 = bpf_get_smp_processor_id();
     *   if (r7 &gt; bulkBytes) r0 = r8;
     *   return r0;            // the kernel takes it modulo the number of queues
     * </pre>
     *
     * @param bulkBytes 0 to {@link #NO_BULK} ({@link #queueByCpu()}: every frame by CPU)
     * @throws NativeIoException as {@link #queueByCpu()}
     */
    public static BpfProgram queueByCpu(int bulkBytes) throws IOException {
        if (bulkBytes < 0) {
            throw new IllegalArgumentException("bulk threshold " + bulkBytes + " < 0");
        }
        ByteBuf insns = Buffers.scratch(16 * 8);
        try {
            int n = 0;
            if (bulkBytes != NO_BULK) {
                n = instruction(insns, n, BPF_LDX_MEM_W, 7, 1, SKB_LEN, 0);
                n = instruction(insns, n, BPF_LDX_MEM_W, 8, 1, SKB_HASH, 0);
                // Legacy packet loads read through r6, the context; past the end they end the
                // program with 0 (queue 0): only a malformed IPv4 frame is that short.
                n = instruction(insns, n, BPF_MOV64_X, 6, 1, 0, 0);
                n = instruction(insns, n, BPF_LD_ABS_H, 0, 0, 0, FRAME_ETHERTYPE);
                n = instruction(insns, n, BPF_JNE_K, 0, 0, 3, ETHERTYPE_IPV4);
                n = instruction(insns, n, BPF_LD_ABS_H, 0, 0, 0, FRAME_FRAGMENT);
                n = instruction(insns, n, BPF_AND64_K, 0, 0, 0, FRAGMENT_MASK);
                n = instruction(insns, n, BPF_JNE_K, 0, 0, 2, 0);   // a fragment: to "r0 = r8"
            }
            n = instruction(insns, n, BPF_CALL, 0, 0, 0, BPF_FUNC_GET_SMP_PROCESSOR_ID);
            if (bulkBytes != NO_BULK) {
                n = instruction(insns, n, BPF_JLE_K, 7, 0, 1, bulkBytes);
                n = instruction(insns, n, BPF_MOV64_X, 0, 8, 0, 0);
            }
            n = instruction(insns, n, BPF_EXIT, 0, 0, 0, 0);
            return load(insns, n, bulkBytes == NO_BULK ? "queue-by-cpu" : "queue-by-cpu-or-hash");
        } finally {
            insns.release();
        }
    }

    /**
     * Loads the eBPF program that puts every frame of a multi-queue TAP into queue
     * {@code queue}: {@code return queue;}. A VTEP swaps it for {@link #queueByCpu(int)}
     * when one event loop should read everything.
     *
     * @throws NativeIoException as {@link #queueByCpu()}
     */
    public static BpfProgram queueFixed(int queue) throws IOException {
        if (queue < 0) {
            throw new IllegalArgumentException("queue " + queue + " < 0");
        }
        ByteBuf insns = Buffers.scratch(16);
        try {
            int n = instruction(insns, 0, BPF_MOV64_K, 0, 0, 0, queue);
            n = instruction(insns, n, BPF_EXIT, 0, 0, 0, 0);
            return load(insns, n, "queue-fixed");
        } finally {
            insns.release();
        }
    }

    private static BpfProgram load(ByteBuf insns, int count, String name) throws IOException {
        ByteBuf license = Buffers.scratch(8);
        ByteBuf log = Buffers.scratch(LOG_SIZE);
        ByteBuf attr = Buffers.scratch(PROG_LOAD_ATTR_SIZE);
        try {
            // Every program names a license; these call no GPL-only helper.
            license.setBytes(0, "GPL".getBytes(StandardCharsets.US_ASCII));
            Buffers.setHostInt(attr, 0, BPF_PROG_TYPE_SOCKET_FILTER);
            Buffers.setHostInt(attr, ATTR_INSN_CNT, count);
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
            return new BpfProgram(fd, name);
        } finally {
            license.release();
            log.release();
            attr.release();
        }
    }

    /** Writes {@code struct bpf_insn} number {@code n}; returns {@code n + 1}. */
    private static int instruction(ByteBuf insns, int n, int code, int dst, int src, int offset, int imm) {
        int at = n * 8;
        insns.setByte(at, code);
        insns.setByte(at + 1, (src << 4) | dst);
        insns.setShortLE(at + 2, offset);
        Buffers.setHostInt(insns, at + 4, imm);
        return n + 1;
    }

    /**
     * Makes the {@code SO_REUSEPORT} group of UDP socket {@code fd} give each datagram to
     * the socket whose index in the group is the CPU that received it: the group's sockets
     * must be bound in CPU order, the first to serve CPU 0.
     *
     * @throws NativeIoException with the errno, e.g. EINVAL for a socket without SO_REUSEPORT
     */
    public static void attachReusePortByCpu(int fd) throws IOException {
        attach(fd, 0, NO_BULK);
    }

    /**
     * Makes the {@code SO_REUSEPORT} group of UDP socket {@code fd}, of {@code sockets}
     * sockets bound in order, give a datagram of up to {@code bulkBytes} (UDP payload) to
     * socket {@code cpu % sockets}, for the CPU that received it, and a longer one (a GRO
     * batch of a bulk flow) to the socket the kernel's hash of its addresses and ports picks,
     * which is the same for all of a flow's datagrams. A datagram carrying an IPv4 fragment
     * (behind the VXLAN header and an untagged Ethernet header) goes by hash too: swarmnet's
     * VTEP gives all fragments of a datagram one outer source port (it hashes them without
     * ports).
     * <pre>
     *   if (len &gt;= 30 &amp;&amp; inner ethertype == 0x0800 &amp;&amp; (inner frag_off &amp; 0x3fff)) return -1;
     *   A = len; if (A &gt; bulkBytes) return -1;   // out of range: the kernel's hash
     *   A = cpu; A %= sockets; return A;
     * </pre>
     *
     * @throws NativeIoException as {@link #attachReusePortByCpu(int)}
     */
    public static void attachReusePortByCpu(int fd, int sockets, int bulkBytes) throws IOException {
        if (sockets < 1 || bulkBytes < 0) {
            throw new IllegalArgumentException("sockets " + sockets + " < 1 or bulk threshold " + bulkBytes + " < 0");
        }
        attach(fd, sockets, bulkBytes);
    }

    /**
     * Makes the {@code SO_REUSEPORT} group of UDP socket {@code fd} give every datagram to
     * the socket of index {@code index} in the group ({@code return index;}), replacing
     * the program the group had.
     *
     * @throws NativeIoException as {@link #attachReusePortByCpu(int)}
     */
    public static void attachReusePortFixed(int fd, int index) throws IOException {
        if (index < 0) {
            throw new IllegalArgumentException("socket index " + index + " < 0");
        }
        ByteBuf filter = Buffers.scratch(8);
        try {
            attach(fd, filter, filter(filter, 0, CBPF_RET_K, 0, 0, index));
        } finally {
            filter.release();
        }
    }

    private static void attach(int fd, int sockets, int bulkBytes) throws IOException {
        ByteBuf filter = Buffers.scratch(16 * 8);
        try {
            int n = 0;
            if (bulkBytes != NO_BULK) {
                // A classic load past the end ends the program with 0 (socket 0): look only
                // into datagrams long enough to hold the fragment field.
                n = filter(filter, n, CBPF_LD_LEN, 0, 0, 0);
                n = filter(filter, n, CBPF_JGT_K, 0, 4, VXLAN_FRAGMENT + 1);
                n = filter(filter, n, CBPF_LDH_ABS, 0, 0, VXLAN_ETHERTYPE);
                n = filter(filter, n, CBPF_JEQ_K, 0, 2, ETHERTYPE_IPV4);
                n = filter(filter, n, CBPF_LDH_ABS, 0, 0, VXLAN_FRAGMENT);
                n = filter(filter, n, CBPF_JSET_K, 2, 0, FRAGMENT_MASK);   // a fragment: to "return -1"
                n = filter(filter, n, CBPF_LD_LEN, 0, 0, 0);
                n = filter(filter, n, CBPF_JGT_K, 0, 1, bulkBytes);
                n = filter(filter, n, CBPF_RET_K, 0, 0, -1);
            }
            n = filter(filter, n, CBPF_LD_W_ABS, 0, 0, SKF_AD_CPU);
            if (sockets > 0) {
                n = filter(filter, n, CBPF_MOD_K, 0, 0, sockets);
            }
            n = filter(filter, n, CBPF_RET_A, 0, 0, 0);
            attach(fd, filter, n);
        } finally {
            filter.release();
        }
    }

    /** Attaches the {@code count} classic BPF instructions in {@code filter} to the group of {@code fd}. */
    private static void attach(int fd, ByteBuf filter, int count) throws IOException {
        ByteBuf fprog = Buffers.scratch(FPROG_SIZE);
        try {
            Buffers.setHostShort(fprog, 0, count);
            Buffers.setHostLong(fprog, FPROG_FILTER, Buffers.address(filter, 0));
            int res = Syscall.setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, Buffers.address(fprog, 0), FPROG_SIZE);
            if (res < 0) {
                throw Syscall.newIOException("setsockopt SO_ATTACH_REUSEPORT_CBPF", res);
            }
        } finally {
            fprog.release();
        }
    }

    /** Writes {@code struct sock_filter} number {@code n}; returns {@code n + 1}. */
    private static int filter(ByteBuf filter, int n, int code, int jt, int jf, int k) {
        int at = n * 8;
        Buffers.setHostShort(filter, at, code);
        filter.setByte(at + 2, jt);
        filter.setByte(at + 3, jf);
        Buffers.setHostInt(filter, at + 4, k);
        return n + 1;
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
