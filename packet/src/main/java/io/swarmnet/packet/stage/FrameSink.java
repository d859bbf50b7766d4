package io.swarmnet.packet.stage;

/**
 * Where {@link FrameStage#housekeep} sends the frames it makes on its own (a load
 * balancer's TCP RST to the client of a flow whose backend was removed): the data path,
 * which writes a frame to the local port that owns a MAC.
 */
public interface FrameSink {
    /**
     * Writes the {@code length}-byte frame that {@code housekeep} built in its output
     * buffer to the port of {@code mac} on network {@code vni}; returns whether it went.
     */
    boolean send(int vni, long mac, int length);
}
