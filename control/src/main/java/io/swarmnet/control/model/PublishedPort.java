package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A port a service publishes outside the cluster, like {@code --publish
 * published=8080,target=80,protocol=tcp,mode=ingress}.
 *
 * @param protocol  tcp or udp
 * @param target    the port the tasks listen on, 1-65535
 * @param published the port on the nodes, 1-65535; assigned from 30000-32767 when the user gives none
 * @param mode      ingress (every node answers) or host (only nodes running a task)
 * @param proxyProtocol {@value #PROXY_V2} when the mesh hands the client's address to the task in a
 *                  PROXY protocol v2 header (ingress, TCP), null for plain forwarding
 */
public record PublishedPort(PortProtocol protocol, int target, int published, PublishMode mode,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String proxyProtocol) {
    /** The one PROXY protocol version the mesh speaks. */
    public static final String PROXY_V2 = "v2";

    public PublishedPort {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        requirePort("target", target);
        requirePort("published", published);
        if (proxyProtocol != null && !proxyProtocol.equals(PROXY_V2)) {
            throw new IllegalArgumentException("proxy protocol must be " + PROXY_V2 + " or absent, not " + proxyProtocol);
        }
    }

    public PublishedPort(PortProtocol protocol, int target, int published, PublishMode mode) {
        this(protocol, target, published, mode, null);
    }

    /** Whether the mesh sends a PROXY protocol v2 header ahead of the client's bytes. */
    public boolean proxied() {
        return proxyProtocol != null;
    }

    static void requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be 1-65535, not " + port);
        }
    }
}
