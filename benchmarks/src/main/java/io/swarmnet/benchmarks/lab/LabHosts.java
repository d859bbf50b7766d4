package io.swarmnet.benchmarks.lab;

import java.time.Duration;

/** What a scenario sees of the lab: host namespaces, their addresses and a way to run commands in them. */
public interface LabHosts {
    /** The lab's name; namespaces a scenario adds start with it so {@code lab down} removes them too. */
    String name();

    /** Network namespace of a lab host ({@code w1}, {@code client}, ...). */
    String namespace(String host);

    /** Underlay IPv4 address of a lab host. */
    String address(String host);

    /**
     * The command line of a measured workload (ping, iperf3): {@code cmd} itself, or
     * {@code taskset -c LIST cmd} when the lab was built with {@code bench --data-path-cpus LIST},
     * so the workload runs on the CPUs the agents' data path was given. Both variants of a
     * scenario get the same placement.
     */
    default String[] workload(String... cmd) {
        return cmd;
    }

    /** Runs a command in the root namespace (for {@code ip netns add}, {@code ip -n ...}); fails on non-zero exit. */
    String run(Duration timeout, String... cmd) throws Exception;

    /** Runs a command inside a namespace; fails on non-zero exit and returns stdout. */
    default String exec(String namespace, Duration timeout, String... cmd) throws Exception {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return run(timeout, full);
    }
}
