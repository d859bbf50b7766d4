package io.swarmnet.control.model;

import java.util.List;
import java.util.Objects;

/**
 * What a container task runs, as Docker's {@code TaskTemplate.ContainerSpec} holds it: the
 * service's command and arguments stay in {@link Service#command()} and override the image's.
 *
 * @param image                  the image reference, as {@code docker run} takes it
 * @param env                    {@code KEY=VALUE} entries added to the image's environment
 * @param hostname               the hostname every task sees, or null for Docker's default (the container id)
 * @param restartCondition       when a task whose container exited is started again
 * @param stopGracePeriodSeconds how long a task has to stop on SIGTERM before SIGKILL
 */
public record ContainerSpec(String image, List<String> env, String hostname, RestartCondition restartCondition,
                            long stopGracePeriodSeconds) {
    /** Docker's default grace period. */
    public static final long DEFAULT_STOP_GRACE_SECONDS = 10;

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("the image is empty");
        }
        env = env == null ? List.of() : List.copyOf(env);
        for (String e : env) {
            if (e.isEmpty() || e.startsWith("=")) {
                throw new IllegalArgumentException("invalid environment variable '" + e + "': use KEY=VALUE");
            }
        }
        if (hostname != null && hostname.isEmpty()) {
            hostname = null;
        }
        restartCondition = restartCondition == null ? RestartCondition.ANY : restartCondition;
        if (stopGracePeriodSeconds < 0) {
            throw new IllegalArgumentException("the stop grace period must be 0 or more, not " + stopGracePeriodSeconds);
        }
    }

    /** A container spec of {@code image} with Docker's defaults. */
    public static ContainerSpec of(String image) {
        return new ContainerSpec(image, List.of(), null, RestartCondition.ANY, DEFAULT_STOP_GRACE_SECONDS);
    }

    /** This spec running {@code newImage}. */
    public ContainerSpec withImage(String newImage) {
        return new ContainerSpec(newImage, env, hostname, restartCondition, stopGracePeriodSeconds);
    }
}
