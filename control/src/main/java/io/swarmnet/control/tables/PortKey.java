package io.swarmnet.control.tables;

import io.swarmnet.control.model.PortProtocol;

/**
 * A port on this node's underlay address: the key of the published ports table.
 *
 * @param protocol tcp or udp
 * @param port     the published port
 */
public record PortKey(PortProtocol protocol, int port) {

    @Override
    public String toString() {
        return port + "/" + protocol.label();
    }
}
