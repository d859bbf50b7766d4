package io.swarmnet.control.model;

import java.util.Objects;

/**
 * A port a service publishes outside the cluster, like {@code --publish
 * published=8080,target=80,protocol=tcp,mode=ingress}.
 *
 * @param protocol  tcp or udp
 * @param target    the port the tasks listen on, 1-65535
 * @param published the port on the nodes, 1-65535; assigned from 30000-32767 when the user gives none
 * @param mode      ingress (every node answers) or host (only nodes running a task)
 */
public record PublishedPort(PortProtocol protocol, int target, int published, PublishMode mode) {
    public PublishedPort {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        requirePort("target", target);
        requirePort("published", published);
    }

    static void requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be 1-65535, not " + port);
        }
    }
}
