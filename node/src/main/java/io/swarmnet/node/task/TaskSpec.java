package io.swarmnet.node.task;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a task runs: its id in the cluster store, its name, its image or command,
 * environment and hostname.
 *
 * @param id        the task record's id, which its network is attached under
 * @param name      the task's name, {@code <service>.<slot>}; runtimes name its sandbox after it
 * @param image     the container image, or null for a host command (the namespace runtime)
 * @param command   the command and its arguments; for a container, empty for the image's own
 * @param env       variables added to the process's environment
 * @param hostname  the hostname the task sees, or null for the runtime's default; the
 *                  namespace runtime shares the host's UTS namespace and so keeps the host's
 * @param stopGrace how long the task has to exit after SIGTERM before SIGKILL
 */
public record TaskSpec(String id, String name, String image, List<String> command, Map<String, String> env,
                       String hostname, Duration stopGrace) {

    public TaskSpec {
        if (image == null && command.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no command to run");
        }
        command = List.copyOf(command);
        env = Map.copyOf(env);
        stopGrace = stopGrace == null ? Duration.ofSeconds(10) : stopGrace;
    }

    /** A host-command task, as the lab runs them. */
    public TaskSpec(String id, String name, List<String> command, Map<String, String> env, String hostname) {
        this(id, name, null, command, env, hostname, null);
    }
}
