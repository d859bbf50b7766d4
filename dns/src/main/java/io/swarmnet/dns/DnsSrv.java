package io.swarmnet.dns;

import java.util.Objects;

/**
 * One SRV answer (RFC 2782): the port a service listens on and the name to resolve.
 *
 * @param port   the port, 0-65535
 * @param target the name, lowercase, without a trailing dot
 */
public record DnsSrv(int port, String target) {

    public DnsSrv {
        Objects.requireNonNull(target, "target");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("SRV port " + port + " is out of range");
        }
    }
}
