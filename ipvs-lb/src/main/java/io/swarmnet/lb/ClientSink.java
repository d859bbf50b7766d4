package io.swarmnet.lb;

/**
 * Where {@link NatStage#housekeep} sends the frames it makes on its own (a TCP RST to the
 * client of a flow whose backend was removed): the data path, which delivers a frame to the
 * local port that owns the client's MAC.
 */
public interface ClientSink {
    /**
     * Delivers the {@code length}-byte frame that {@code housekeep} built in its output
     * buffer to the port of {@code clientMac} on network {@code vni}; returns whether it went.
     */
    boolean send(int vni, long clientMac, int length);
}
