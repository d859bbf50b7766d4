package io.swarmnet.node.task;

/**
 * A task's state and, when it failed, why.
 *
 * @param state  the state
 * @param reason one line for a person when the task failed, else null
 */
public record TaskStatus(TaskState state, String reason) {

    public static TaskStatus running() {
        return new TaskStatus(TaskState.RUNNING, null);
    }

    public static TaskStatus complete() {
        return new TaskStatus(TaskState.COMPLETE, null);
    }

    public static TaskStatus failed(String reason) {
        return new TaskStatus(TaskState.FAILED, reason);
    }
}
