package io.swarmnet.node.task;

import io.swarmnet.control.model.TaskReport;

/** Where a node says how its tasks are doing: the cluster store, or a list in tests. */
public interface TaskReporter {

    /** Records {@code report}; false when it could not, so the caller says it again later. */
    boolean report(TaskReport report);

    /** Forgets what was said of task {@code taskId}, once it runs here no more. */
    void forget(String taskId);
}
