/**
 * The task lifecycle behind an interface: a {@link io.swarmnet.node.task.TaskRuntime}
 * makes a task's sandbox and runs its process, a {@link io.swarmnet.node.task.TaskNetwork}
 * plumbs the sandbox's network, and {@link io.swarmnet.node.task.TaskLauncher} puts them
 * in Docker's order: sandbox, then network, then process, so the process never sees a
 * namespace without its interfaces.
 *
 * <p>Design notes. {@link io.swarmnet.node.task.NamespaceTaskRuntime} runs a host command
 * in a plain network namespace, for the lab and tests; a Docker-container runtime (#10) is
 * the other implementation the interface is shaped for: its sandbox a {@code --network
 * none} container, its process the task's container joined to that namespace. A runtime
 * may be asked to remove what is already gone, and that is not an error, so a stop cut
 * short is finished by the next one.
 */
package io.swarmnet.node.task;
