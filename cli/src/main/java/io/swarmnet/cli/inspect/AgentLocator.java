package io.swarmnet.cli.inspect;

import java.nio.file.Path;
import java.util.List;

/**
 * Knows where more agents run on this host than the one under {@code --data-root}, found
 * with {@link java.util.ServiceLoader}: the lab's hosts are one such place. {@code dp} and
 * {@code capture --node} look among them.
 */
public interface AgentLocator {

    /** Returns the API sockets of the agents it knows of, in a stable order; each exists when listed. */
    List<Path> sockets();

    /** Returns where it looked, for the message that no agent was found. */
    String where();

    /** Returns whether {@code node} is this locator's short name for the agent of host {@code hostname}. */
    boolean isShortName(String hostname, String node);
}
