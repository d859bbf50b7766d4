package io.swarmnet.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.control.model.Node;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.api.ApiRoute;
import io.swarmnet.node.command.VersionProvider;
import io.swarmnet.node.inspect.CaptureStatus;
import io.swarmnet.node.inspect.DataPlaneTables;
import io.swarmnet.node.overlay.OverlayDataPlane;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The routes of the agent's local API. */
final class AgentApi {
    private AgentApi() {
    }

    /**
     * @param dataPlane the overlay, or null when the agent runs without one (the task routes
     *                  then answer 503)
     */
    static Map<String, ApiRoute> routes(Node node, AgentConfig config, OverlayDataPlane dataPlane) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("nodeId", node.id());
        info.put("hostname", node.hostname());
        info.put("role", node.role().label());
        info.put("advertiseAddr", node.advertiseAddr());
        info.put("dataPathPort", config.dataPathPort());
        info.put("version", new VersionProvider().getVersion()[0]);
        Map<String, Object> frozen = Collections.unmodifiableMap(info);
        Map<String, ApiRoute> routes = new HashMap<>();
        routes.put("GET /v1/info", body -> frozen);
        routes.put("POST /v1/tasks/attach", body -> plane(dataPlane)
                .attach(text(body, "taskId"), text(body, "netns")));
        routes.put("POST /v1/tasks/detach", body -> plane(dataPlane).detach(text(body, "taskId")));
        routes.put("GET /v1/tasks", body -> plane(dataPlane).list());
        DataPlaneTables tables = dataPlane == null ? null : new DataPlaneTables(dataPlane);
        for (String table : DataPlaneTables.NAMES) {
            routes.put("GET /v1/dp/" + table, body -> {
                plane(dataPlane);
                return tables.rows(table);
            });
        }
        routes.put("POST /v1/capture/start", body -> plane(dataPlane).capture()
                .start(text(body, "network"), text(body, "file"), body.path("count").asLong(0)));
        routes.put("GET /v1/capture", body -> {
            CaptureStatus status = plane(dataPlane).capture().status();
            if (status == null) {
                throw new ApiException(404, "no capture has run on this node since the agent started");
            }
            return status;
        });
        routes.put("POST /v1/capture/stop", body -> {
            CaptureStatus status = plane(dataPlane).capture().stop();
            if (status == null) {
                throw new ApiException(404, "no capture is running on this node");
            }
            return status;
        });
        return routes;
    }

    private static OverlayDataPlane plane(OverlayDataPlane dataPlane) {
        if (dataPlane == null) {
            throw new ApiException(503, "this agent runs without an overlay data plane: its --advertise-addr is not"
                    + " an IPv4 underlay address");
        }
        return dataPlane;
    }

    private static String text(JsonNode body, String field) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object with \"" + field + "\"");
        }
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw ApiException.badRequest("\"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }
}
