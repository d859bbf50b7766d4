package io.swarmnet.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A lab as it is now, checked rather than remembered: which namespaces exist, whether
 * etcd answers and who leads it, whether each agent is healthy. {@code lab status}
 * prints it as text or JSON.
 *
 * @param name the lab name
 * @param complete false while {@code lab up} runs, or when it died half way
 * @param underlayMtu MTU of the underlay links
 * @param hosts every namespace of the lab
 * @param etcd the etcd cluster
 * @param dockerds one per manager and worker, empty when the lab runs no Docker
 * @param agents one per manager and worker, empty when the lab runs none
 */
public record LabStatus(String name, boolean complete, int underlayMtu, List<Host> hosts, Etcd etcd,
                        List<Dockerd> dockerds, List<Agent> agents) {

    /**
     * One namespace of the lab.
     *
     * @param name short host name
     * @param role its role, lower case
     * @param namespace the namespace name
     * @param address its address
     * @param present whether the namespace exists
     */
    public record Host(String name, String role, String namespace, String address, boolean present) {
    }

    /**
     * The etcd cluster.
     *
     * @param healthy every member answers and all agree on one leader
     * @param leader the leader's member name, or null when there is none
     * @param members one per manager
     */
    public record Etcd(boolean healthy, String leader, List<Member> members) {
    }

    /**
     * One etcd member.
     *
     * @param name member name (the manager's host name)
     * @param endpoint its client URL
     * @param running its process is alive
     * @param healthy it answers {@code endpoint health}
     * @param leader it is the leader
     */
    public record Member(String name, String endpoint, boolean running, boolean healthy, boolean leader) {
    }

    /**
     * One host's dockerd.
     *
     * @param host short host name
     * @param socket its unix socket, what {@code docker -H unix://SOCKET} takes
     * @param running its process is alive
     * @param answering {@code GET /_ping} on the socket answered 200
     */
    public record Dockerd(String host, String socket, boolean running, boolean answering) {
    }

    /**
     * One agent.
     *
     * @param host short host name
     * @param metricsAddr where it serves /healthz and /metrics
     * @param running its process is alive
     * @param healthy /healthz answered 200
     */
    public record Agent(String host, String metricsAddr, boolean running, boolean healthy) {
    }

    /** True when the lab is complete, every namespace exists, etcd is healthy, every dockerd answers and every agent is healthy. */
    @JsonProperty("healthy")
    public boolean healthy() {
        return complete && hosts.stream().allMatch(Host::present) && etcd.healthy()
                && dockerds.stream().allMatch(Dockerd::answering) && agents.stream().allMatch(Agent::healthy);
    }
}
