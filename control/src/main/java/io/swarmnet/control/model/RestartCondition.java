package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** When a task whose container exited is started again, as {@code --restart-condition} says it in Docker. */
public enum RestartCondition {
    /** Whatever its exit code. */
    @JsonProperty("any") ANY,
    /** Only when it exited with a non-zero code. */
    @JsonProperty("on-failure") ON_FAILURE,
    /** Never. */
    @JsonProperty("none") NONE;

    /** The name used in JSON and the CLI. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a CLI value.
     *
     * @throws IllegalArgumentException naming the values that are allowed
     */
    public static RestartCondition parse(String value) {
        for (RestartCondition c : values()) {
            if (c.label().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException("invalid restart condition '" + value + "': use any, on-failure or none");
    }

    /** Whether a container that exited with {@code exitCode} is started again. */
    public boolean restarts(long exitCode) {
        return this == ANY || (this == ON_FAILURE && exitCode != 0);
    }
}
