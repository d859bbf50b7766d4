package io.swarmnet.dns;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The resolver's UDP and TCP sockets in one task's namespace, and the TCP clients they
 * accepted. Closing it closes them all; the task's other sockets are untouched.
 */
public final class DnsEndpoint implements Closeable {
    private final Channel udp;
    private final Channel tcp;
    private final ChannelGroup clients;
    private final List<String> networks;

    DnsEndpoint(Channel udp, Channel tcp, ChannelGroup clients, List<String> networks) {
        this.udp = udp;
        this.tcp = tcp;
        this.clients = clients;
        this.networks = networks;
    }

    /** Where it listens (UDP and TCP share the port). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    /** The networks whose names it answers, the task's first network first. */
    public List<String> networks() {
        return networks;
    }

    public boolean isOpen() {
        return udp.isOpen() && tcp.isOpen();
    }

    @Override
    public void close() {
        clients.close().awaitUninterruptibly(DnsServer.CLOSE_WAIT_MILLIS);
        tcp.close().awaitUninterruptibly(DnsServer.CLOSE_WAIT_MILLIS);
        udp.close().awaitUninterruptibly(DnsServer.CLOSE_WAIT_MILLIS);
    }
}
