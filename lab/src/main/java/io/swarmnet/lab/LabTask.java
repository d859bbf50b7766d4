package io.swarmnet.lab;

import io.swarmnet.node.task.ProcessRef;

/**
 * A task the lab runs: its namespace on a host, attached through that host's agent, and
 * the process running the service's command in it; written to
 * {@code <state>/tasks/<namespace>.json} so that {@code lab scale} and {@code lab rm} from
 * another JVM find it.
 *
 * @param service the service name
 * @param name the task name, {@code <service>.<slot>}
 * @param slot the replica number
 * @param taskId the task record's id in the cluster store
 * @param host short name of the host it runs on
 * @param namespace its network namespace, {@code <lab>-<host>-<name>}
 * @param ip its address on the service's first network, as the agent attached it
 * @param pid the PID of the command
 * @param startTime the command's start time from {@code /proc/PID/stat}, guarding against PID reuse
 * @param log where the command's stdout and stderr go
 */
public record LabTask(String service, String name, int slot, String taskId, String host, String namespace, String ip,
                      long pid, long startTime, String log) {

    ProcessRef process() {
        return new ProcessRef(pid, startTime);
    }

    /** True while the task's command runs. */
    public boolean running() {
        return process().alive();
    }
}
