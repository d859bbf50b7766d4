package io.swarmnet.node.task;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each report under {@code /swarmnet/v1/task-status/<task id>}, where {@code service ps} reads it. */
public final class StoreTaskReporter implements TaskReporter {
    private static final Logger LOG = LoggerFactory.getLogger(StoreTaskReporter.class);
    private final Store store;

    public StoreTaskReporter(Store store) {
        this.store = store;
    }

    @Override
    public boolean report(TaskReport report) {
        try {
            store.put(Keys.taskStatus(report.taskId()), ModelJson.write(report));
            return true;
        } catch (StoreException e) {
            LOG.warn("cannot report task {} {}: {}", report.taskId(), report.state().display(), e.getMessage());
            return false;
        }
    }

    @Override
    public void forget(String taskId) {
        try {
            store.delete(Keys.taskStatus(taskId));
        } catch (StoreException e) {
            LOG.warn("cannot remove the report of task {}: {}", taskId, e.getMessage());
        }
    }
}
