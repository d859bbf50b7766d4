package io.swarmnet.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.command.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the agent a data-plane command talks to among the agents on this host: by default
 * the one under {@code --data-root}; with {@code --node N}, the one whose node has that
 * name or id, looked for under {@code --data-root} and where each {@link AgentLocator}
 * looks (the labs on this machine). The agent API is a root-only local socket, so a node on another host is
 * a clear error, not a network call.
 */
public final class LocalAgents {
    private LocalAgents() {
    }

    /** The API of the agent to use; {@code node} null for the one under {@code dataRoot}. */
    public static ApiClient find(Path dataRoot, String node) {
        Path own = dataRoot.resolve("api.sock");
        if (node == null) {
            if (!Files.exists(own)) {
                throw new UserException("no agent runs with --data-root " + dataRoot + " (no " + own
                        + "); start 'swarmnet agent' or give the --data-root it runs with");
            }
            return new ApiClient(own);
        }
        List<AgentLocator> locators = new ArrayList<>();
        ServiceLoader.load(AgentLocator.class, LocalAgents.class.getClassLoader()).forEach(locators::add);
        List<Path> sockets = new ArrayList<>();
        sockets.add(own);
        StringBuilder where = new StringBuilder(dataRoot.toString());
        for (AgentLocator locator : locators) {
            sockets.addAll(locator.sockets());
            where.append(" and ").append(locator.where());
        }
        List<ApiClient> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path socket : sockets) {
            if (!Files.exists(socket)) {
                continue;
            }
            ApiClient client = new ApiClient(socket);
            try {
                JsonNode info = client.call("GET", "/v1/info", null);
                if (matches(info, node, locators)) {
                    found.add(client);
                    names.add(info.path("hostname").asText());
                }
            } catch (IOException | RuntimeException e) {
                // A stale socket of a stopped agent: not the one.
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.size() > 1) {
            throw new UserException("node " + node + " is ambiguous on this host: " + String.join(", ", names)
                    + "; give one of these hostnames");
        }
        throw new UserException("no agent of node " + node + " runs on this host; the agent API is local, so run"
                + " this on that node's host (looked under " + where + ")");
    }

    /** A node's hostname, its id, a unique prefix of its id as 'node ls' prints it, or a locator's short name for it. */
    private static boolean matches(JsonNode info, String node, List<AgentLocator> locators) {
        String id = info.path("nodeId").asText("");
        String hostname = info.path("hostname").asText("");
        return hostname.equals(node) || id.equals(node) || (node.length() >= 12 && id.startsWith(node))
                || locators.stream().anyMatch(l -> l.isShortName(hostname, node));
    }
}
