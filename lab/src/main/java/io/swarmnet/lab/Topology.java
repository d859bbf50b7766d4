package io.swarmnet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a lab's namespaces and links with iproute2.
 *
 * <pre>
 *  &lt;lab&gt;-m1 eth0 ─ v-m1 ┐
 *  &lt;lab&gt;-w1 eth0 ─ v-w1 ├─ br0 192.0.2.1/24 ─┐ &lt;lab&gt;-fabric (ip_forward=1)
 *  &lt;lab&gt;-client eth0 ─ v-client ┘            └─ internet 198.51.100.254/24 ─ eth0 198.51.100.1/24 &lt;lab&gt;-internet
 * </pre>
 *
 * <p>Every veth is created inside the fabric namespace with its peer placed straight into
 * the host namespace, so the root namespace never holds a lab interface, not even for a
 * moment; and since the fabric's port names live in the fabric namespace they need no lab
 * prefix and stay far below the 15-character limit of interface names.
 */
final class Topology {
    static final Path ETC_NETNS = Path.of("/etc/netns");
    static final String BRIDGE = "br0";

    private final CommandRunner ip;
    private final int mtu;

    Topology(CommandRunner runner, int mtu) {
        this.ip = runner;
        this.mtu = mtu;
    }

    /**
     * Creates every namespace, in order, then wires them; {@code created} hears of each
     * namespace before anything is put into it, so a crash leaves a record of it.
     */
    void build(List<LabHost> hosts, Consumer<String> created) {
        for (LabHost h : hosts) {
            ip.check("ip", "netns", "add", h.namespace());
            created.accept(h.namespace());
            writeResolvConf(h.namespace(), "nameserver " + LabHost.INTERNET_ADDRESS + "\n");
            ip.check("ip", "-n", h.namespace(), "link", "set", "lo", "up");
        }
        String fabric = hosts.get(0).namespace();
        ip.check("ip", "-n", fabric, "link", "add", BRIDGE, "mtu", Integer.toString(mtu), "type", "bridge");
        ip.check("ip", "-n", fabric, "addr", "add", LabHost.UNDERLAY_GATEWAY + "/" + LabHost.PREFIX_LENGTH, "dev", BRIDGE);
        ip.check("ip", "-n", fabric, "link", "set", BRIDGE, "up");
        // Forwarding between the underlay and the internet is the fabric's job alone;
        // the sysctl is per namespace, so the host's setting is untouched.
        ip.check("ip", "netns", "exec", fabric, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        for (LabHost h : hosts) {
            switch (h.role()) {
                case MANAGER, WORKER, CLIENT -> underlayHost(fabric, h);
                case INTERNET -> internet(fabric, h);
                case FABRIC -> { }
            }
        }
    }

    /** The fabric-side veth of a host: "v-" and the short host name, unique in the fabric. */
    static String fabricPort(LabHost h) {
        return "v-" + h.name();
    }

    private void underlayHost(String fabric, LabHost h) {
        String port = fabricPort(h);
        veth(fabric, port, h.namespace());
        ip.check("ip", "-n", fabric, "link", "set", port, "master", BRIDGE, "up");
        hostSide(h.namespace(), h.address(), LabHost.UNDERLAY_GATEWAY);
    }

    private void internet(String fabric, LabHost h) {
        String port = "internet";
        veth(fabric, port, h.namespace());
        ip.check("ip", "-n", fabric, "addr", "add", LabHost.INTERNET_GATEWAY + "/" + LabHost.PREFIX_LENGTH, "dev", port);
        ip.check("ip", "-n", fabric, "link", "set", port, "up");
        hostSide(h.namespace(), h.address(), LabHost.INTERNET_GATEWAY);
    }

    private void veth(String fabric, String port, String peerNs) {
        String m = Integer.toString(mtu);
        ip.check("ip", "-n", fabric, "link", "add", port, "mtu", m, "type", "veth",
                "peer", "name", "eth0", "mtu", m, "netns", peerNs);
    }

    private void hostSide(String ns, String address, String gateway) {
        ip.check("ip", "-n", ns, "addr", "add", address + "/" + LabHost.PREFIX_LENGTH, "dev", "eth0");
        ip.check("ip", "-n", ns, "link", "set", "eth0", "up");
        ip.check("ip", "-n", ns, "route", "add", "default", "via", gateway);
    }

    // 'ip netns exec' bind-mounts this over /etc/resolv.conf, so anything run in the lab
    // resolves through the lab's own resolvers (the internet's dnsmasq, a task's 127.0.0.11), never the machine's.
    static void writeResolvConf(String ns, String content) {
        Path dir = ETC_NETNS.resolve(ns);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), content);
        } catch (IOException e) {
            throw new LabException("cannot write " + dir.resolve("resolv.conf") + ": " + e.getMessage(), e);
        }
    }
}
