package io.swarmnet.control.cluster;

import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;

/**
 * A published port as {@code --publish} gives it. To publish, every field but
 * {@code published} is needed ({@code published} 0 means assign one from 30000-32767, in
 * ingress mode only). To select ports for {@code --publish-rm}, 0 and null match anything.
 *
 * @param protocol  tcp or udp
 * @param target    the port the tasks listen on
 * @param published the port on the nodes, 0 to assign (publish) or to match any (remove)
 * @param mode      ingress or host
 * @param proxyProtocol {@code v2} to send the client's address in a PROXY protocol header, else null
 */
public record PortRequest(PortProtocol protocol, int target, int published, PublishMode mode, String proxyProtocol) {

    public PortRequest(PortProtocol protocol, int target, int published, PublishMode mode) {
        this(protocol, target, published, mode, null);
    }

    public static PortRequest tcp(int published, int target) {
        return new PortRequest(PortProtocol.TCP, target, published, PublishMode.INGRESS);
    }

    /** Whether this, read as a selector, picks {@code port}. */
    public boolean selects(PublishedPort port) {
        return (target == 0 || target == port.target())
                && (published == 0 || published == port.published())
                && (protocol == null || protocol == port.protocol())
                && (mode == null || mode == port.mode());
    }

    /** Docker's short form: {@code 8080:80/tcp}, or {@code :80/tcp} when no published port is set. */
    @Override
    public String toString() {
        return (published == 0 ? "" : published + ":") + target + (protocol == null ? "" : "/" + protocol.label())
                + (mode == PublishMode.HOST ? " (host mode)" : "")
                + (proxyProtocol == null ? "" : " (proxy-protocol=" + proxyProtocol + ")");
    }
}
