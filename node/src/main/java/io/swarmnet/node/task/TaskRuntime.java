package io.swarmnet.node.task;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Makes tasks' sandboxes and runs their processes: a plain namespace and a host command
 * ({@link NamespaceTaskRuntime}), or a container. The network is not its business:
 * {@link TaskLauncher} plumbs it between {@link #createSandbox} and {@link #startProcess}.
 */
public interface TaskRuntime {

    /** Makes the task's sandbox, with loopback up and the embedded resolver as its DNS, and no other network. */
    Sandbox createSandbox(TaskSpec spec) throws IOException;

    /** Starts the task's process in {@code sandbox}, whose network is plumbed already. */
    RunningTask startProcess(TaskSpec spec, Sandbox sandbox, String ip) throws IOException;

    /** The task's state now: running while its process runs, failed with a reason once it ended. */
    TaskStatus status(RunningTask task);

    /** Stops the task's process and whatever else runs in its sandbox; what survives goes into {@code problems}. */
    void stopProcess(RunningTask task, List<String> problems);

    /** Removes sandbox {@code name} and anything still running in it; removing an absent one is no error. */
    void removeSandbox(String name, List<String> problems);

    /** The names of the sandboxes of this runtime that exist now, started or not: what a restart adopts or prunes. */
    List<String> sandboxes();

    /** The name {@link #createSandbox} gives the sandbox of {@code spec}. */
    String sandboxName(TaskSpec spec);

    /**
     * The task of {@code spec} as it runs now, started by this or an earlier agent, when its
     * sandbox and its process both run (a restarted agent adopts it); else empty.
     *
     * @param ip its address, as its network attached it
     */
    Optional<RunningTask> find(TaskSpec spec, String ip);
}
