package io.swarmnet.node.task;

import java.io.IOException;
import java.nio.file.Path;

/** Plumbs a task's network into its sandbox, and takes it out again: the node's attach and detach. */
public interface TaskNetwork {

    /**
     * Attaches task {@code taskId} in the namespace at {@code netns}; attaching again
     * gives the same answer.
     *
     * @return the task's address on its first network, or "" when it has none
     */
    String attach(String taskId, Path netns) throws IOException;

    /** Detaches task {@code taskId}; detaching an absent task is no error. */
    void detach(String taskId) throws IOException;
}
