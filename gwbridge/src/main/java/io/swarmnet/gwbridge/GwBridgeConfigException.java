package io.swarmnet.gwbridge;

/**
 * A gwbridge configuration refused before anything was changed: malformed, or in conflict
 * with the node's namespace or with the state an earlier run left. The message is one line
 * meant for the operator.
 */
public final class GwBridgeConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A refusal explained by {@code message}. */
    public GwBridgeConfigException(String message) {
        super(message);
    }
}
