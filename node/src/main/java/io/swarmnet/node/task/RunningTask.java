package io.swarmnet.node.task;

import java.nio.file.Path;

/**
 * A task a runtime started: enough to find it again from another process, check on it
 * and stop it.
 *
 * @param taskId  the task record's id
 * @param name    the task's name, {@code <service>.<slot>}
 * @param sandbox its sandbox
 * @param ip      its address on its first network, as the network attached it
 * @param process its process, pinned to its start time
 * @param log     where the process's stdout and stderr go
 */
public record RunningTask(String taskId, String name, Sandbox sandbox, String ip, ProcessRef process, Path log) {
}
