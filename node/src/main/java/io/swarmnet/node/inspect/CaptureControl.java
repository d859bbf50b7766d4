package io.swarmnet.node.inspect;

import io.swarmnet.node.api.ApiException;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts and stops the node's one capture ({@code swarmnet capture}): at most one at a
 * time, so two operators cannot double the copying cost on the packet path unknowingly.
 */
public final class CaptureControl implements AutoCloseable {
    private final Vtep vtep;
    private final Supplier<Map<Integer, String>> networkNames;
    private CaptureSession session;
    private CaptureStatus last;

    /** @param networkNames names of networks by VNI; those the VTEP's tables serve can be captured */
    public CaptureControl(Vtep vtep, Supplier<Map<Integer, String>> networkNames) {
        this.vtep = vtep;
        this.networkNames = networkNames;
    }

    /**
     * Starts capturing {@code network}'s inner frames into {@code file}.
     *
     * @param maxFrames stop after this many frames; 0 for no limit
     * @throws ApiException 404 for a network this node does not serve, 409 while another
     *                      capture runs, 400 for a file that cannot be written
     */
    public synchronized CaptureStatus start(String network, String file, long maxFrames) {
        if (session != null) {
            throw new ApiException(409, "a capture is running already: " + session.status(true).network()
                    + "; stop it first");
        }
        if (maxFrames < 0) {
            throw ApiException.badRequest("\"count\" must be 0 (no limit) or more, not " + maxFrames);
        }
        Integer vni = null;
        List<String> served = new ArrayList<>();
        for (Map.Entry<Integer, String> e : networkNames.get().entrySet()) {
            if (vtep.tables().network(e.getKey()) != null) {
                served.add(e.getValue());
                if (e.getValue().equals(network)) {
                    vni = e.getKey();
                }
            }
        }
        if (vni == null) {
            Collections.sort(served);
            throw new ApiException(404, "network " + network + " is not served on this node (no task or attachment"
                    + " of it here); networks here: " + (served.isEmpty() ? "none" : String.join(", ", served)));
        }
        Path path = Path.of(file);
        if (!path.isAbsolute() || path.getParent() == null || !Files.isDirectory(path.getParent())) {
            throw ApiException.badRequest("\"file\" must be an absolute path in an existing directory, not " + file);
        }
        try {
            session = new CaptureSession(vni, network, path, maxFrames);
        } catch (IOException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        vtep.tap(session);
        return session.status(true);
    }

    /** The running capture, or the last one, or null when there was none. */
    public synchronized CaptureStatus status() {
        return session != null ? session.status(true) : last;
    }

    /** Stops the running capture and returns its final figures; null when none runs. */
    public synchronized CaptureStatus stop() throws InterruptedException {
        if (session == null) {
            return null;
        }
        vtep.tap(null);
        CaptureSession s = session;
        session = null;
        s.stop();
        last = s.status(false);
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
