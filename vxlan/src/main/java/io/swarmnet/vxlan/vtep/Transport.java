package io.swarmnet.vxlan.vtep;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;

/** The Netty transport the VTEP's event loop runs: epoll by default, io_uring on request. */
public enum Transport {
    /** Netty's native epoll transport: recvmsg with UDP GRO, sendmmsg, UDP GSO. */
    EPOLL("epoll") {
        @Override
        public boolean isAvailable() {
            return Epoll.isAvailable();
        }

        @Override
        public Throwable unavailabilityCause() {
            return Epoll.unavailabilityCause();
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        DatagramChannel newDatagramChannel() {
            return new EpollDatagramChannel(SocketProtocolFamily.INET);
        }

        @Override
        boolean supportsGso() {
            return io.netty.channel.epoll.SegmentedDatagramPacket.isSupported();
        }

        @Override
        void enableGro(DatagramChannel channel) {
            channel.config().setOption(EpollChannelOption.UDP_GRO, true);
        }
    },
    /** Netty's io_uring transport: the same sockets, driven by submission and completion rings. */
    IO_URING("io_uring") {
        @Override
        public boolean isAvailable() {
            return IoUring.isAvailable();
        }

        @Override
        public Throwable unavailabilityCause() {
            return IoUring.unavailabilityCause();
        }

        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        DatagramChannel newDatagramChannel() {
            return new IoUringDatagramChannel(SocketProtocolFamily.INET);
        }

        @Override
        boolean supportsGso() {
            // IoUringDatagramChannel sends unix.SegmentedDatagramPacket with UDP_SEGMENT, which
            // the same kernels support that Netty's epoll probe accepts.
            return EPOLL.isAvailable() && EPOLL.supportsGso();
        }

        @Override
        void enableGro(DatagramChannel channel) {
            // Netty 4.2.18's io_uring datagram channel has no UDP_GRO option and reads one
            // datagram per completion: TCP through the overlay reaches ~1 Gbit/s here, against
            // ~6 with epoll, which is why epoll is the default.
        }
    };

    private final String flagValue;

    Transport(String flagValue) {
        this.flagValue = flagValue;
    }

    /** Returns the transport's name on the command line ({@code epoll}, {@code io_uring}). */
    public String flagValue() {
        return flagValue;
    }

    /**
     * Returns the transport a command-line value names.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Transport fromFlag(String value) {
        for (Transport t : values()) {
            if (t.flagValue.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a transport (epoll, io_uring)");
    }

    /** Returns whether the native transport loaded on this machine. */
    public abstract boolean isAvailable();

    /** Returns why the native transport did not load, or {@code null} if it did. */
    public abstract Throwable unavailabilityCause();

    abstract IoHandlerFactory ioHandlerFactory();

    /** Creates an IPv4 datagram channel; its socket is made now, in the calling thread's namespace. */
    abstract DatagramChannel newDatagramChannel();

    /** Returns whether the kernel and Netty can send UDP GSO ({@code UDP_SEGMENT}). */
    abstract boolean supportsGso();

    /** Turns on UDP GRO for the receive socket where the transport can. */
    abstract void enableGro(DatagramChannel channel);
}
