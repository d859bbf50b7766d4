package io.swarmnet.node.task;

import java.util.List;
import java.util.Map;

/**
 * What a task runs: its id in the cluster store, its name, its command, environment and
 * hostname.
 *
 * @param id       the task record's id, which its network is attached under
 * @param name     the task's name, {@code <service>.<slot>}; runtimes name its sandbox after it
 * @param command  the command and its arguments
 * @param env      variables added to the process's environment
 * @param hostname the hostname the task sees, or null for the runtime's default; the
 *                 namespace runtime shares the host's UTS namespace and so keeps the host's
 */
public record TaskSpec(String id, String name, List<String> command, Map<String, String> env, String hostname) {

    public TaskSpec {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " has no command to run");
        }
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }
}
