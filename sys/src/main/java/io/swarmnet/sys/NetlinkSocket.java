package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.Closeable;
import java.io.IOException;

/**
 * A netlink socket that sends one request at a time and collects its answer: the ACK or
 * error, the single reply, or every part of a dump. Not thread-safe.
 *
 * <p>Each request carries a fresh sequence number and answers with another number are
 * dropped, so the late answer to a request that timed out cannot be taken for the answer to
 * the next one. Only the kernel (port 0) is listened to.
 */
final class NetlinkSocket implements Closeable {
    /** Receives each data message of an answer; {@code at} is its header's offset. */
    @FunctionalInterface
    interface Handler {
        void onMessage(ByteBuf buf, int at, int length) throws IOException;
    }

    static final int REQUEST_CAPACITY = 8192;
    /** Dumps come in datagrams of at most 32 KiB; twice that leaves room. */
    static final int ANSWER_CAPACITY = 65536;
    static final int TIMEOUT_SECONDS = 10;

    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int SOCKADDR_NL_SIZE = 12;
    private static final int NL_PID = 4;
    /**
     * The scratch area holds {@code struct msghdr} (64-bit layout: name, namelen, iov,
     * iovlen, control, controllen, flags), its one {@code struct iovec} and the sender's
     * {@code struct sockaddr_nl}.
     */
    private static final int MSGHDR = 0;
    private static final int MSG_NAME = MSGHDR;
    private static final int MSG_NAMELEN = MSGHDR + 8;
    private static final int MSG_IOV = MSGHDR + 16;
    private static final int MSG_IOVLEN = MSGHDR + 24;
    private static final int IOVEC = 56;
    private static final int SENDER = 72;
    private static final int SCRATCH_SIZE = 88;

    private final int fd;
    private final String name;
    private final ByteBuf request = Unpooled.directBuffer(REQUEST_CAPACITY, REQUEST_CAPACITY);
    private final ByteBuf answer = Unpooled.directBuffer(ANSWER_CAPACITY, ANSWER_CAPACITY);
    /** Structs for bind, setsockopt and recvmsg. */
    private final ByteBuf scratch = Unpooled.directBuffer(SCRATCH_SIZE, SCRATCH_SIZE);
    private final NetlinkMessageWriter writer = new NetlinkMessageWriter().wrap(request);
    private int seq = (int) (System.nanoTime() & 0x7fffffff);
    private boolean closed;

    private NetlinkSocket(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Opens a socket of netlink {@code protocol} in the calling thread's network namespace. */
    static NetlinkSocket open(int protocol, String name) throws IOException {
        int fd = Syscall.socket(Netlink.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw Syscall.newIOException("socket " + name, fd);
        }
        NetlinkSocket socket = new NetlinkSocket(fd, name);
        boolean success = false;
        try {
            socket.configure();
            success = true;
            return socket;
        } finally {
            if (!success) {
                socket.close();
            }
        }
    }

    private void configure() throws IOException {
        scratch.setZero(0, SCRATCH_SIZE);
        Buffers.setHostShort(scratch, 0, Netlink.AF_NETLINK);
        check("bind", Syscall.bind(fd, Buffers.address(scratch, 0), SOCKADDR_NL_SIZE));
        // The kernel explains a refusal in text (extended ACK) and need not echo the request.
        setIntOption(Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
        setIntOption(Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
        // A kernel that never answers must not hang the agent.
        scratch.setZero(0, SCRATCH_SIZE);
        Buffers.setHostLong(scratch, 0, TIMEOUT_SECONDS);
        check("setsockopt SO_RCVTIMEO",
                Syscall.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, Buffers.address(scratch, 0), 16));
    }

    private void setIntOption(int level, int option, int value, String optionName) throws IOException {
        Buffers.setHostInt(scratch, 0, value);
        check("setsockopt " + optionName, Syscall.setsockopt(fd, level, option, Buffers.address(scratch, 0), 4));
    }

    private void check(String call, int res) throws IOException {
        if (res < 0) {
            throw Syscall.newIOException(call + " " + name, res);
        }
    }

    /** The writer for the next request; build it, then pass it to {@link #execute}. */
    NetlinkMessageWriter writer() {
        if (closed) {
            throw new IllegalStateException(name + " socket is closed");
        }
        return writer;
    }

    /** A fresh sequence number for the next request. */
    int nextSeq() {
        seq = (seq + 1) & 0x7fffffff;
        return seq;
    }

    /**
     * Sends the request in {@link #writer()} and waits for its answer, handing every data
     * message to {@code handler}; returns at the ACK or the end of the dump, so a request
     * that is not a dump must ask for an ACK.
     *
     * @param call names the request in exceptions, e.g. {@code "RTM_NEWLINK br0"}
     * @throws NativeIoException if the kernel refuses the request (its errno, and the
     *         kernel's explanation when it gives one) or does not answer in time (EAGAIN)
     */
    void execute(String call, Handler handler) throws IOException {
        int length = writer.end();
        int expectedSeq = Netlink.messageSeq(request, 0);
        // Without a destination an unconnected netlink socket sends to the kernel.
        int res = Syscall.send(fd, Buffers.address(request, 0), length, 0);
        if (res < 0) {
            throw Syscall.newIOException("send " + call, res);
        }
        boolean complete;
        do {
            complete = receive(call, expectedSeq, handler);
        } while (!complete);
    }

    /** Reads one datagram; true once the answer to the current request is complete. */
    private boolean receive(String call, int expectedSeq, Handler handler) throws IOException {
        scratch.setZero(0, SCRATCH_SIZE);
        Buffers.setHostLong(scratch, MSG_NAME, Buffers.address(scratch, SENDER));
        Buffers.setHostInt(scratch, MSG_NAMELEN, SOCKADDR_NL_SIZE);
        Buffers.setHostLong(scratch, MSG_IOV, Buffers.address(scratch, IOVEC));
        Buffers.setHostLong(scratch, MSG_IOVLEN, 1);
        Buffers.setHostLong(scratch, IOVEC, Buffers.address(answer, 0));
        Buffers.setHostLong(scratch, IOVEC + 8, ANSWER_CAPACITY);
        int length;
        do {
            length = Syscall.recvmsg(fd, Buffers.address(scratch, MSGHDR), MSG_TRUNC);
        } while (length == -Errno.EINTR);
        if (length == -Errno.EAGAIN) {
            throw new NativeIoException("recvmsg " + call, Errno.EAGAIN,
                    "no answer from the kernel within " + TIMEOUT_SECONDS + " s");
        }
        if (length < 0) {
            throw Syscall.newIOException("recvmsg " + call, length);
        }
        if (length > ANSWER_CAPACITY) {
            throw new IOException(call + ": answer of " + length + " bytes exceeds " + ANSWER_CAPACITY);
        }
        if (Buffers.getHostInt(scratch, SENDER + NL_PID) != 0) {
            return false;
        }
        boolean complete = false;
        int at = 0;
        while (at + Netlink.NLMSG_HDRLEN <= length) {
            int messageLength = Netlink.messageLength(answer, at);
            if (messageLength < Netlink.NLMSG_HDRLEN || at + messageLength > length) {
                throw new IOException(call + ": malformed netlink answer, message of " + messageLength
                        + " bytes at offset " + at + " of " + length);
            }
            if (Netlink.messageSeq(answer, at) == expectedSeq) {
                complete |= onMessage(call, handler, at, messageLength);
            }
            at += Netlink.align(messageLength);
        }
        return complete;
    }

    private boolean onMessage(String call, Handler handler, int at, int length) throws IOException {
        int type = Netlink.messageType(answer, at);
        if (type == Netlink.NLMSG_ERROR || type == Netlink.NLMSG_DONE) {
            int error = length >= Netlink.NLMSG_HDRLEN + 4 ? Buffers.getHostInt(answer, at + Netlink.NLMSG_HDRLEN) : 0;
            if (error < 0) {
                throw new NativeIoException(call, -error, extAckMessage(type, at, length));
            }
            return true;
        }
        if (type == Netlink.NLMSG_OVERRUN) {
            throw new IOException(call + ": netlink overrun");
        }
        if (type != Netlink.NLMSG_NOOP) {
            handler.onMessage(answer, at, length);
        }
        return false;
    }

    /**
     * The kernel's text from the extended ACK attributes, which follow the error code and,
     * in an error message, the echoed request (only its header with NETLINK_CAP_ACK).
     */
    private String extAckMessage(int type, int at, int length) {
        int flags = Netlink.messageFlags(answer, at);
        if ((flags & Netlink.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int echoed = at + Netlink.NLMSG_HDRLEN + 4;
        int tlvs;
        if (type == Netlink.NLMSG_DONE) {
            tlvs = echoed;
        } else if ((flags & Netlink.NLM_F_CAPPED) != 0) {
            tlvs = echoed + Netlink.NLMSG_HDRLEN;
        } else {
            tlvs = echoed + Netlink.align(Netlink.messageLength(answer, echoed));
        }
        if (tlvs > at + length) {
            return null;
        }
        int attr = Netlink.findAttr(answer, tlvs, at + length, Netlink.NLMSGERR_ATTR_MSG);
        return Netlink.attrString(answer, attr, null);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        request.release();
        answer.release();
        scratch.release();
        int res = Syscall.close(fd);
        if (res < 0) {
            throw Syscall.newIOException("close " + name, res);
        }
    }
}
