package io.swarmnet.node.mesh;

import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.sys.Rtnetlink;
import io.swarmnet.sys.Sysctl;
import io.swarmnet.vxlan.port.TapPort;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;

/**
 * The node's own interface on the ingress network (Docker's ingress-sbox, here in the
 * agent's namespace): a TAP attached to the VTEP on the ingress VNI like a task's, holding
 * the address the control plane gave the node. Mesh connections leave by it masqueraded
 * to that address, so backends on any node answer back to this one.
 *
 * @param vni    the ingress network's VNI
 * @param ip     the node's ingress address
 * @param prefix the ingress subnet's prefix length
 * @param mac    the MAC for {@code ip}
 * @param mtu    the ingress network's MTU
 * @param port   the VTEP's port for the TAP, null in tests of the mesh without a kernel
 */
public record IngressEndpoint(int vni, int ip, int prefix, long mac, int mtu, TapPort port) {
    /** The interface's name: short enough for IFNAMSIZ, unlike a task TAP's {@code snt<hex>} names. */
    public static final String INTERFACE = "snt-ingress";

    /**
     * Creates the TAP in the calling thread's namespace, attaches it to {@code vtep} and
     * configures it; on failure removes what it made.
     */
    public static IngressEndpoint open(Vtep vtep, int vni, int ip, int prefix, int mtu) throws IOException {
        long mac = MacAddress.fromIpv4(ip);
        // A queue per event loop of the VTEP; it closes them all if it cannot attach them.
        TapPort port = vtep.attachQueues(TapPort.openTapQueues(INTERFACE, true, vtep.loops()), vni);
        boolean success = false;
        try (Rtnetlink rt = Rtnetlink.open()) {
            try {
                // Like a task's interface: no router solicitations or MLD reports for the overlay to drop.
                Sysctl.write("net.ipv6.conf." + INTERFACE + ".disable_ipv6", "1");
            } catch (IOException noIpv6) {
                // A kernel without IPv6 sends none.
            }
            rt.setMac(INTERFACE, mac);
            rt.setMtu(INTERFACE, mtu);
            rt.addAddress(INTERFACE, ip, prefix);
            rt.setLinkUp(INTERFACE);
            success = true;
            return new IngressEndpoint(vni, ip, prefix, mac, mtu, port);
        } finally {
            if (!success) {
                vtep.detach(port);
            }
        }
    }

    /** Whether this is the endpoint {@code open} would make for these values. */
    public boolean matches(int vni, int ip, int prefix, int mtu) {
        return this.vni == vni && this.ip == ip && this.prefix == prefix && this.mtu == mtu;
    }

    /** The VTEP's local port for this endpoint. */
    public LocalPort localPort() {
        return new LocalPort(vni, mac, port == null ? 0 : port.id());
    }

    /** Detaches the TAP, which removes the interface and its address. */
    public void close(Vtep vtep) throws IOException {
        vtep.detach(port);
    }

    @Override
    public String toString() {
        return INTERFACE + "(vni " + vni + ", " + Ipv4Address.toString(ip) + "/" + prefix + ", mtu " + mtu + ")";
    }
}
