package io.swarmnet.dns;

import java.util.function.Consumer;

/** Sends the queries for names that are not internal to upstream resolvers. */
public interface DnsForwarder extends AutoCloseable {

    /**
     * Starts forwarding {@code query} (a well-formed query's wire bytes); {@code done}
     * gets the upstream's answer (same ID as {@code query}), or null when every upstream
     * failed, exactly once, on some thread.
     *
     * @return false, without calling {@code done}, when the bound on queries in flight is reached
     */
    boolean forward(byte[] query, Consumer<byte[]> done);

    @Override
    void close();
}
