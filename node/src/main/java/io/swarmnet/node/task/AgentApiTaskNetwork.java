package io.swarmnet.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.node.api.ApiClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A task network plumbed by an agent through its local API ({@code POST /v1/tasks/attach}
 * and {@code /v1/tasks/detach}), for tasks started outside the agent, as the lab's are.
 */
public final class AgentApiTaskNetwork implements TaskNetwork {
    private final ApiClient api;

    public AgentApiTaskNetwork(ApiClient api) {
        this.api = api;
    }

    @Override
    public String attach(String taskId, Path netns) throws IOException {
        JsonNode attached = api.call("POST", "/v1/tasks/attach", Map.of("taskId", taskId, "netns", netns.toString()));
        return attached.path("interfaces").path(0).path("ip").asText("");
    }

    @Override
    public void detach(String taskId) throws IOException {
        api.call("POST", "/v1/tasks/detach", Map.of("taskId", taskId));
    }
}
