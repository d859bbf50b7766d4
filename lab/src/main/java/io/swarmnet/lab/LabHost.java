package io.swarmnet.lab;

import java.nio.file.Path;
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
 * @param dockerSocket the unix socket of the host's own dockerd, or null when it runs none
 *                     (the fabric, client and internet never do; nor any host of a lab
 *                     started without Docker)
 */
public record LabHost(String name, Role role, String namespace, String address, Path dockerSocket) {

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

    /** True when the host runs its own dockerd, at {@link #dockerSocket()}. */
    public boolean runsDocker() {
        return dockerSocket != null;
    }

    /** What a Docker client on this machine (or the host's agent) takes as its host: {@code unix://SOCKET}. */
    public String dockerHost() {
        if (dockerSocket == null) {
            throw new LabException("host " + name + " runs no dockerd");
        }
        return "unix://" + dockerSocket;
    }

    /** This host with its dockerd's socket. */
    LabHost withDockerSocket(Path socket) {
        return new LabHost(name, role, namespace, address, socket);
    }

    /**
     * The hosts of a lab in creation order: the fabric first (every host plugs into
     * it), then managers, workers, the client and the internet; none with a dockerd.
     */
    public static List<LabHost> plan(String lab, int managers, int workers) {
        List<LabHost> hosts = new ArrayList<>(managers + workers + 3);
        hosts.add(new LabHost("fabric", Role.FABRIC, lab + "-fabric", UNDERLAY_GATEWAY, null));
        for (int i = 1; i <= managers; i++) {
            hosts.add(new LabHost("m" + i, Role.MANAGER, lab + "-m" + i, "192.0.2." + (FIRST_MANAGER + i - 1), null));
        }
        for (int i = 1; i <= workers; i++) {
            hosts.add(new LabHost("w" + i, Role.WORKER, lab + "-w" + i, "192.0.2." + (FIRST_WORKER + i - 1), null));
        }
        hosts.add(new LabHost("client", Role.CLIENT, lab + "-client", CLIENT_ADDRESS, null));
        hosts.add(new LabHost("internet", Role.INTERNET, lab + "-internet", INTERNET_ADDRESS, null));
        return List.copyOf(hosts);
    }
}
