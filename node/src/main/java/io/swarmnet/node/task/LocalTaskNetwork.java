package io.swarmnet.node.task;

import io.swarmnet.node.overlay.OverlayDataPlane;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A task network plumbed in this process by the node's own data plane: the agent's task worker's. */
public final class LocalTaskNetwork implements TaskNetwork {
    private final OverlayDataPlane plane;

    public LocalTaskNetwork(OverlayDataPlane plane) {
        this.plane = plane;
    }

    @Override
    public String attach(String taskId, Path netns) throws IOException {
        Map<String, Object> attached;
        try {
            attached = plane.attach(taskId, netns.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while attaching task " + taskId);
        }
        if (attached.get("interfaces") instanceof List<?> interfaces && !interfaces.isEmpty()
                && interfaces.get(0) instanceof Map<?, ?> first && first.get("ip") != null) {
            return first.get("ip").toString();
        }
        return "";
    }

    @Override
    public void detach(String taskId) throws IOException {
        plane.detach(taskId);
    }
}
