package io.swarmnet.control.store;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One manager (a member of the store's Raft quorum) as {@code node ls} reports it.
 *
 * @param name       the member's name, as the store knows it
 * @param clientUrls where clients reach it, as it advertises them
 * @param status     whether it leads, follows and answers, or does not answer
 */
public record Member(String name, List<URI> clientUrls, Status status) {

    /** A manager's standing, worded as {@code docker node ls} prints MANAGER STATUS. */
    public enum Status {
        LEADER("Leader"),
        REACHABLE("Reachable"),
        UNREACHABLE("Unreachable");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** The word {@code docker node ls} shows: Leader, Reachable or Unreachable. */
        public String label() {
            return label;
        }
    }

    public Member {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        clientUrls = List.copyOf(clientUrls);
    }
}
