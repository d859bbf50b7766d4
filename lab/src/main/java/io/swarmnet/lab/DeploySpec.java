package io.swarmnet.lab;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code lab deploy} asks for.
 *
 * @param service the service name: lowercase, because it becomes part of the task namespaces' names
 * @param replicas how many tasks, 0 or more
 * @param network the overlay network to join, or null for the service's own {@code <service>_default}
 * @param ports the ports to publish, in {@code --publish} syntax
 * @param command what every task runs; a leading {@code swarmnet} runs this very build
 */
public record DeploySpec(String service, int replicas, String network, List<String> ports, List<String> command) {
    // A DNS label, lowercase: lab teardown finds task namespaces by a lowercase pattern.
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** @throws IllegalArgumentException with a one-line reason */
    public DeploySpec {
        Objects.requireNonNull(service, "service");
        ports = ports == null ? List.of() : List.copyOf(ports);
        command = command == null ? List.of() : List.copyOf(command);
        validateService(service);
        validateReplicas(replicas);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("missing the command the tasks run: give it after '--', "
                    + "e.g. -- swarmnet echo-server");
        }
    }

    static String validateService(String service) {
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("invalid service name '" + service
                    + "': use up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }
        return service;
    }

    static int validateReplicas(int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("invalid replicas value " + replicas + ": it must be 0 or more");
        }
        return replicas;
    }
}
