package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Objects;

/**
 * What the node running a task last said of it, stored as JSON under
 * {@code /swarmnet/v1/task-status/<task id>} by that node alone, so the managers' writes
 * and the nodes' never race. {@code service ps} shows it as CURRENT STATE.
 *
 * @param taskId      the task
 * @param nodeId      the node that reported
 * @param state       where the task is
 * @param message     what happened, for a person ("started", "exited with code 1")
 * @param error       the engine's error when the task failed or was rejected, else null
 * @param sinceMillis when it entered {@code state}, the node's wall clock in epoch milliseconds
 */
public record TaskReport(String taskId, String nodeId, State state, String message, String error, long sinceMillis) {

    /** The task states of Docker's {@code service ps} that a node reports. */
    public enum State {
        @JsonProperty("assigned") ASSIGNED,
        @JsonProperty("preparing") PREPARING,
        @JsonProperty("starting") STARTING,
        @JsonProperty("running") RUNNING,
        @JsonProperty("complete") COMPLETE,
        @JsonProperty("failed") FAILED,
        @JsonProperty("rejected") REJECTED,
        @JsonProperty("shutdown") SHUTDOWN;

        /** As {@code service ps} prints it: "Running". */
        public String display() {
            String s = name().toLowerCase(Locale.ROOT);
            return Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
    }

    public TaskReport {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
    }
}
