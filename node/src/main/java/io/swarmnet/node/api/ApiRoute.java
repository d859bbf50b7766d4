package io.swarmnet.node.api;

import com.fasterxml.jackson.databind.JsonNode;

/** One operation of the local API: a request body (JSON, possibly missing) in, a JSON-able value out. */
@FunctionalInterface
public interface ApiRoute {
    /**
     * Handles one request on the API's worker thread, one request at a time.
     *
     * @throws ApiException for a refusal with its status; anything else is a 500
     */
    Object handle(JsonNode body) throws Exception;
}
