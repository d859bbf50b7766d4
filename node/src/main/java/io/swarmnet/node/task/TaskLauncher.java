package io.swarmnet.node.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts and stops tasks in Docker's order: the sandbox first, then its network, then the
 * process, so the process starts with its interfaces in place; stopping goes the other
 * way. A start that fails half way undoes what it made before it throws.
 */
public final class TaskLauncher {
    private final TaskRuntime runtime;
    private final TaskNetwork network;
    private final String where;

    /** {@code where} follows the task's id in messages, e.g. {@code " on w1"} for a lab host, or "". */
    public TaskLauncher(TaskRuntime runtime, TaskNetwork network, String where) {
        this.runtime = runtime;
        this.network = network;
        this.where = where;
    }

    /**
     * Starts the task.
     *
     * @throws IOException or a RuntimeException as the runtime or the network threw it;
     *                     once the sandbox exists, after detaching the task and removing it
     */
    public RunningTask start(TaskSpec spec) throws IOException {
        Sandbox sandbox = null;
        boolean success = false;
        try {
            sandbox = runtime.createSandbox(spec);
            String ip = network.attach(spec.id(), sandbox.netns());
            RunningTask task = runtime.startProcess(spec, sandbox, ip);
            success = true;
            return task;
        } finally {
            if (!success && sandbox != null) {
                List<String> ignored = new ArrayList<>();
                detach(spec.id(), ignored);
                runtime.removeSandbox(sandbox.name(), ignored);
            }
        }
    }

    /** Stops the task's process, detaches its network and removes its sandbox; what failed goes into {@code problems}. */
    public void stop(RunningTask task, List<String> problems) {
        runtime.stopProcess(task, problems);
        detach(task.taskId(), problems);
        runtime.removeSandbox(task.sandbox().name(), problems);
    }

    /** Detaches a task the caller knows only by id, e.g. one whose start was cut short. */
    public void detach(String taskId, List<String> problems) {
        try {
            network.detach(taskId);
        } catch (IOException | RuntimeException e) {
            problems.add("cannot detach task " + taskId + where + ": " + e.getMessage());
        }
    }

    public TaskRuntime runtime() {
        return runtime;
    }

    public TaskNetwork network() {
        return network;
    }
}
