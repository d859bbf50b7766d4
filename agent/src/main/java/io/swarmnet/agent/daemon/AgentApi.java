package io.swarmnet.agent.daemon;

import io.swarmnet.agent.api.ApiRoute;
import io.swarmnet.agent.cli.VersionProvider;
import io.swarmnet.control.model.Node;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The routes of the agent's local API. */
final class AgentApi {
    private AgentApi() {
    }

    static Map<String, ApiRoute> routes(Node node, AgentConfig config) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("nodeId", node.id());
        info.put("hostname", node.hostname());
        info.put("role", node.role().label());
        info.put("advertiseAddr", node.advertiseAddr());
        info.put("dataPathPort", config.dataPathPort());
        info.put("version", new VersionProvider().getVersion()[0]);
        Map<String, Object> frozen = Collections.unmodifiableMap(info);
        return Map.of("GET /v1/info", body -> frozen);
    }
}
