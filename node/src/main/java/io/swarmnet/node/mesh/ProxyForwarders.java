package io.swarmnet.node.mesh;

import io.netty.channel.EventLoopGroup;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.PortKey;
import io.swarmnet.control.tables.PortMapping;
import io.swarmnet.node.net.SocketTransport;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TcpProxyProtocolForwarder}s of one node, one per ingress TCP port published
 * with {@code proxy-protocol=v2}, started and stopped as the published ports change.
 */
final class ProxyForwarders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyForwarders.class);

    private final boolean viaVip;
    private final SocketTransport transport = SocketTransport.best();
    private EventLoopGroup group;
    private final Map<Integer, TcpProxyProtocolForwarder> running = new HashMap<>();

    ProxyForwarders(boolean viaVip) {
        this.viaVip = viaVip;
    }

    /**
     * Serves the proxied ports of {@code ports} from the ingress address {@code source}
     * (none while it is 0).
     *
     * @return the ports now served by a forwarder, which the DNAT table must leave alone
     */
    Set<PortKey> reconcile(Collection<PortMapping> ports, int source) {
        Map<Integer, PortMapping> wanted = new HashMap<>();
        if (source != 0) {
            for (PortMapping p : ports) {
                if (p.proxyProtocol() && p.mode() == PublishMode.INGRESS && p.protocol() == PortProtocol.TCP) {
                    wanted.put(p.published(), p);
                }
            }
        }
        for (Integer port : new HashSet<>(running.keySet())) {
            PortMapping p = wanted.get(port);
            if (p == null || p.target() != running.get(port).target()) {
                running.remove(port).close();
                LOG.info("routing mesh: stopped the PROXY v2 forwarder on port {}", port);
            }
        }
        Set<PortKey> served = new HashSet<>();
        for (PortMapping p : wanted.values()) {
            List<Integer> targets = viaVip && p.vip() != 0 ? List.of(p.vip())
                    : p.backends().stream().filter(Backend::active).map(Backend::ip).toList();
            TcpProxyProtocolForwarder f = running.get(p.published());
            if (f != null) {
                f.targets(targets, source);
            } else {
                try {
                    f = TcpProxyProtocolForwarder.bind(p.published(), p.target(), targets, source, transport, group());
                    running.put(p.published(), f);
                    LOG.info("routing mesh: PROXY v2 forwarder {}", f);
                } catch (RuntimeException e) {
                    LOG.warn("routing mesh: cannot serve port {} with a PROXY v2 forwarder: {}", p.published(), e.toString());
                    continue;
                }
            }
            served.add(new PortKey(PortProtocol.TCP, p.published()));
        }
        return served;
    }

    private EventLoopGroup group() {
        if (group == null) {
            group = transport.group(1, "swarmnet-mesh-proxy");
        }
        return group;
    }

    @Override
    public void close() {
        running.values().forEach(TcpProxyProtocolForwarder::close);
        running.clear();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
