package io.swarmnet.node.overlay;

/**
 * A task interface attached to the VTEP on this node: the TAP port that owns a MAC on one VNI.
 *
 * @param vni    the network's VNI
 * @param mac    the task's MAC on it, low 48 bits
 * @param portId the VTEP's id for the port ({@code TapPort.id()})
 */
public record LocalPort(int vni, long mac, int portId) {
}
