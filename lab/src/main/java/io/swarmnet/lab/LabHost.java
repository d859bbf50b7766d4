package io.swarmnet.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace of a lab: its short name ({@code m1}, {@code w2}, {@code client}),
 * its role, the namespace it lives in and its address.
 *
 * @param name short host name, unique in the lab
 * @param role what the host plays in the lab
 * @param namespace the network namespace, {@code <lab>-<name>}
 * @param address the host's address: underlay 192.0.2.0/24, or 198.51.100.1 for the internet
 */
public record LabHost(String name, Role role, String namespace, String address) {

    /** What a host plays in the lab. */
    public enum Role { FABRIC, MANAGER, WORKER, CLIENT, INTERNET }

    public static final String UNDERLAY_GATEWAY = "192.0.2.1";
    public static final String INTERNET_GATEWAY = "198.51.100.254";
    public static final String INTERNET_ADDRESS = "198.51.100.1";
    public static final String CLIENT_ADDRESS = "192.0.2.100";
    public static final int PREFIX_LENGTH = 24;
    static final int FIRST_MANAGER = 11;
    static final int FIRST_WORKER = 21;

    /** True for the hosts that run an agent. */
    public boolean runsAgent() {
        return role == Role.MANAGER || role == Role.WORKER;
    }

    /**
     * The hosts of a lab in creation order: the fabric first (every host plugs into
     * it), then managers, workers, the client and the internet.
     */
    public static List<LabHost> plan(String lab, int managers, int workers) {
        List<LabHost> hosts = new ArrayList<>(managers + workers + 3);
        hosts.add(new LabHost("fabric", Role.FABRIC, lab + "-fabric", UNDERLAY_GATEWAY));
        for (int i = 1; i <= managers; i++) {
            hosts.add(new LabHost("m" + i, Role.MANAGER, lab + "-m" + i, "192.0.2." + (FIRST_MANAGER + i - 1)));
        }
        for (int i = 1; i <= workers; i++) {
            hosts.add(new LabHost("w" + i, Role.WORKER, lab + "-w" + i, "192.0.2." + (FIRST_WORKER + i - 1)));
        }
        hosts.add(new LabHost("client", Role.CLIENT, lab + "-client", CLIENT_ADDRESS));
        hosts.add(new LabHost("internet", Role.INTERNET, lab + "-internet", INTERNET_ADDRESS));
        return List.copyOf(hosts);
    }
}
