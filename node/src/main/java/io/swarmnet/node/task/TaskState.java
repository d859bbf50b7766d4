package io.swarmnet.node.task;

/** Where a task is in its life, as swarm's {@code service ps} names it. */
public enum TaskState {
    /** Its sandbox, network or process is being made. */
    STARTING,
    /** Its process runs in its plumbed sandbox. */
    RUNNING,
    /** Its process exited with code 0 without being stopped. */
    COMPLETE,
    /** It could not start, or its process ended without being stopped. */
    FAILED,
    /** It was stopped on purpose. */
    SHUTDOWN
}
