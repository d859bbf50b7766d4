package io.swarmnet.node.task;

import java.nio.file.Path;

/**
 * A task's sandbox: the network namespace its process runs in, made before the process
 * so its network can be plumbed first.
 *
 * @param name  the runtime's name for it (a namespace under {@code /run/netns}, a container)
 * @param netns the path of its network namespace, which the network is attached in
 */
public record Sandbox(String name, Path netns) {
}
