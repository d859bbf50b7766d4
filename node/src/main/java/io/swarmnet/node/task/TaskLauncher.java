package io.swarmnet.node.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops tasks in Docker's order: the sandbox first, then its network, then the
 * process, so the process starts with its interfaces in place; stopping goes the other
 * way. A start that fails half way undoes what it made before it throws.
 */
public final class TaskLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLauncher.class);
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
        return start(spec, nanos -> { });
    }

    /**
     * Starts the task, telling {@code networkReady} how many nanoseconds its network took
     * to attach once its sandbox ran.
     *
     * @throws IOException as {@link #start(TaskSpec)} does
     */
    public RunningTask start(TaskSpec spec, LongConsumer networkReady) throws IOException {
        Sandbox sandbox = null;
        boolean success = false;
        try {
            sandbox = runtime.createSandbox(spec);
            long created = System.nanoTime();
            String ip = network.attach(spec.id(), sandbox.netns());
            long ready = System.nanoTime() - created;
            LOG.debug("task {}: network ready {} us after its sandbox started", spec.name(), ready / 1000);
            networkReady.accept(ready);
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
