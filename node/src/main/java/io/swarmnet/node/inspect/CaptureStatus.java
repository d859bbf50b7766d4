package io.swarmnet.node.inspect;

/**
 * A capture as the API reports it.
 *
 * @param running  whether it still takes frames
 * @param network  the network's name
 * @param vni      its VNI
 * @param file     the pcap file
 * @param frames   frames written to the file
 * @param dropped  frames lost because the writer fell behind
 * @param complete whether the requested number of frames is written
 * @param error    why writing stopped early, or null
 */
public record CaptureStatus(boolean running, String network, int vni, String file, long frames, long dropped,
                            boolean complete, String error) {
}
