package io.swarmnet.sys;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Links, IPv4 addresses and IPv4 routes of one network namespace, programmed over a
 * {@code NETLINK_ROUTE} socket as {@code linux/rtnetlink.h} describes (what {@code ip link},
 * {@code ip addr} and {@code ip route} do, without starting a process).
 *
 * <p>The socket works on the namespace it was opened in, whichever thread calls; open it
 * with {@link #open(Netns)} to work on another namespace. Requests are sent one at a time
 * and wait for the kernel's ACK, so when a method returns the change is made.
 *
 * <p>For reconcilers: the {@code replace} methods may be retried, the {@code delete}
 * methods return false instead of failing when there is nothing to delete, and every other
 * refusal is a {@link NativeIoException} whose {@link NativeIoException#isAlreadyExists()}
 * or {@link NativeIoException#isAbsent()} tells the two outcomes a retry can meet.
 */
public final class Rtnetlink implements Closeable {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_PROTINFO = 12;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;
    static final int IFLA_EXT_MASK = 29;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int VETH_INFO_PEER = 1;
    /** {@code IFLA_BRPORT_ISOLATED} from {@code linux/if_link.h}, inside {@code IFLA_PROTINFO}. */
    static final int IFLA_BRPORT_ISOLATED = 33;
    /** {@code RTEXT_FILTER_SKIP_STATS}: leave the statistics out of link answers. */
    static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_BRIDGE = 7;
    static final int RT_TABLE_MAIN = 254;
    /** The protocol {@code ip route} marks its routes with. */
    static final int RTPROT_BOOT = 3;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTN_UNICAST = 1;
    static final int RTNH_F_ONLINK = 4;

    static final int NEW = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;
    static final int CREATE = NEW | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL;
    static final int REPLACE = NEW | Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE;
    static final int DUMP = Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP;

    private static final byte[] BRIDGE = "bridge".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VETH = "veth".getBytes(StandardCharsets.US_ASCII);
    private static final NetlinkSocket.Handler IGNORE = (buf, at, length) -> { };

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Opens a socket on the calling thread's network namespace. */
    public static Rtnetlink open() throws IOException {
        return new Rtnetlink(NetlinkSocket.open(Netlink.NETLINK_ROUTE, "NETLINK_ROUTE"));
    }

    /** Opens a socket on {@code netns}. */
    public static Rtnetlink open(Netns netns) throws IOException {
        return netns.call(Rtnetlink::open);
    }

    /** The link called {@code name}, or empty if there is none. */
    public synchronized Optional<Link> link(String name) throws IOException {
        byte[] ifname = IfName.check(name);
        List<Link> found = new ArrayList<>(1);
        try {
            getLink(socket.writer(), socket.nextSeq(), ifname);
            socket.execute("RTM_GETLINK " + name, (buf, at, length) -> found.add(parseLink(buf, at, length)));
        } catch (NativeIoException e) {
            if (e.isAbsent()) {
                return Optional.empty();
            }
            throw e;
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * The ifindex of link {@code name}.
     *
     * @throws NativeIoException ENODEV ({@link NativeIoException#isAbsent()}) if there is none
     */
    public int linkIndex(String name) throws IOException {
        return link(name).orElseThrow(() -> new NativeIoException("RTM_GETLINK " + name, Errno.ENODEV, null))
                .index();
    }

    /** Every link of the namespace. */
    public synchronized List<Link> links() throws IOException {
        List<Link> links = new ArrayList<>();
        dumpLinks(socket.writer(), socket.nextSeq());
        socket.execute("RTM_GETLINK dump", (buf, at, length) -> links.add(parseLink(buf, at, length)));
        return links;
    }

    /** Every IPv4 address of the namespace, on every link. */
    public synchronized List<Ipv4LinkAddress> addresses() throws IOException {
        List<Ipv4LinkAddress> addresses = new ArrayList<>();
        dumpAddresses(socket.writer(), socket.nextSeq());
        socket.execute("RTM_GETADDR dump", (buf, at, length) -> {
            Ipv4LinkAddress address = parseAddress(buf, at, length);
            if (address != null) {
                addresses.add(address);
            }
        });
        return addresses;
    }

    /** Sets link {@code name} administratively up. */
    public synchronized void setLinkUp(String name) throws IOException {
        setFlags(socket.writer(), socket.nextSeq(), IfName.check(name), Link.IFF_UP, Link.IFF_UP);
        socket.execute("RTM_NEWLINK " + name + " up", IGNORE);
    }

    /** Sets link {@code name} administratively down. */
    public synchronized void setLinkDown(String name) throws IOException {
        setFlags(socket.writer(), socket.nextSeq(), IfName.check(name), 0, Link.IFF_UP);
        socket.execute("RTM_NEWLINK " + name + " down", IGNORE);
    }

    /** Sets the MTU of link {@code name}; the kernel refuses one outside the device's range. */
    public synchronized void setMtu(String name, int mtu) throws IOException {
        setAttrInt(socket.writer(), socket.nextSeq(), IfName.check(name), IFLA_MTU, mtu);
        socket.execute("RTM_NEWLINK " + name + " mtu " + mtu, IGNORE);
    }

    /** Sets the hardware address of link {@code name} from the low 48 bits of {@code mac}. */
    public synchronized void setMac(String name, long mac) throws IOException {
        if ((mac >>> 48) != 0) {
            throw new IllegalArgumentException("MAC 0x" + Long.toHexString(mac) + " is longer than 48 bits");
        }
        setMac(socket.writer(), socket.nextSeq(), IfName.check(name), mac);
        socket.execute("RTM_NEWLINK " + name + " address", IGNORE);
    }

    /** Renames link {@code name}; the kernel refuses while the link is up (EBUSY). */
    public synchronized void rename(String name, String newName) throws IOException {
        byte[] newIfname = IfName.check(newName);
        int index = linkIndex(name);
        rename(socket.writer(), socket.nextSeq(), index, newIfname);
        socket.execute("RTM_NEWLINK " + name + " name " + newName, IGNORE);
    }

    /** Moves link {@code name} into namespace {@code target}; it is gone from this one. */
    public synchronized void moveToNetns(String name, Netns target) throws IOException {
        setAttrInt(socket.writer(), socket.nextSeq(), IfName.check(name), IFLA_NET_NS_FD, target.fd());
        socket.execute("RTM_NEWLINK " + name + " netns " + target.path(), IGNORE);
    }

    /** Makes link {@code name} a port of bridge {@code master}. */
    public synchronized void setMaster(String name, String master) throws IOException {
        byte[] ifname = IfName.check(name);
        int masterIndex = linkIndex(master);
        setAttrInt(socket.writer(), socket.nextSeq(), ifname, IFLA_MASTER, masterIndex);
        socket.execute("RTM_NEWLINK " + name + " master " + master, IGNORE);
    }

    /** Takes link {@code name} out of its bridge, if it is in one. */
    public synchronized void clearMaster(String name) throws IOException {
        setAttrInt(socket.writer(), socket.nextSeq(), IfName.check(name), IFLA_MASTER, 0);
        socket.execute("RTM_NEWLINK " + name + " nomaster", IGNORE);
    }

    /**
     * Isolates bridge port {@code name}, or ends its isolation ({@code bridge link set dev
     * NAME isolated on}): the bridge forwards nothing from one isolated port to another,
     * while traffic between an isolated port and the rest (other ports, the bridge's own
     * address) still flows.
     *
     * @throws NativeIoException ENODEV if there is no such link, EOPNOTSUPP if it is not a
     *         bridge port
     */
    public synchronized void setBridgePortIsolated(String name, boolean isolated) throws IOException {
        int index = linkIndex(name);
        setBridgePort(socket.writer(), socket.nextSeq(), index, isolated);
        socket.execute("RTM_SETLINK " + name + " isolated " + (isolated ? "on" : "off"), IGNORE);
    }

    /**
     * Creates bridge {@code name}, down and without ports.
     *
     * @throws NativeIoException EEXIST ({@link NativeIoException#isAlreadyExists()}) if a link
     *         of that name exists
     */
    public synchronized void addBridge(String name) throws IOException {
        newBridge(socket.writer(), socket.nextSeq(), IfName.check(name));
        socket.execute("RTM_NEWLINK " + name + " type bridge", IGNORE);
    }

    /**
     * Creates veth pair {@code name} here and {@code peerName} in {@code peerNetns}, or here
     * too if that is {@code null}; both ends start down.
     *
     * @throws NativeIoException EEXIST ({@link NativeIoException#isAlreadyExists()}) if either
     *         name is taken in its namespace
     */
    public void addVeth(String name, String peerName, Netns peerNetns) throws IOException {
        addVeth(name, peerName, peerNetns, 0);
    }

    /**
     * Creates veth pair {@code name} here and {@code peerName} in {@code peerNetns} (or
     * here if that is {@code null}) as {@link #addVeth(String, String, Netns)} does, with
     * the peer's hardware address set in the same request from the low 48 bits of
     * {@code peerMac} (0 lets the kernel pick one), so the peer never exists with another.
     */
    public synchronized void addVeth(String name, String peerName, Netns peerNetns, long peerMac)
            throws IOException {
        if ((peerMac >>> 48) != 0) {
            throw new IllegalArgumentException("MAC 0x" + Long.toHexString(peerMac) + " is longer than 48 bits");
        }
        int peerNetnsFd = peerNetns == null ? -1 : peerNetns.fd();
        newVeth(socket.writer(), socket.nextSeq(), IfName.check(name), IfName.check(peerName), peerNetnsFd,
                peerMac);
        socket.execute("RTM_NEWLINK " + name + " type veth peer " + peerName, IGNORE);
    }

    /**
     * Deletes link {@code name} (a veth takes its peer along).
     *
     * @return false if there was no such link
     */
    public synchronized boolean deleteLink(String name) throws IOException {
        deleteLink(socket.writer(), socket.nextSeq(), IfName.check(name));
        return executeDelete("RTM_DELLINK " + name);
    }

    /**
     * Adds IPv4 {@code address/prefixLength} to link {@code device}.
     *
     * @throws NativeIoException EEXIST ({@link NativeIoException#isAlreadyExists()}) if the
     *         link has that address already, ENODEV if there is no such link
     */
    public synchronized void addAddress(String device, int address, int prefixLength) throws IOException {
        checkPrefix(prefixLength);
        int index = linkIndex(device);
        address(socket.writer(), socket.nextSeq(), RTM_NEWADDR, CREATE, index, address, prefixLength);
        socket.execute("RTM_NEWADDR " + ipv4(address) + "/" + prefixLength + " dev " + device, IGNORE);
    }

    /**
     * Removes IPv4 {@code address/prefixLength} from link {@code device}.
     *
     * @return false if the link does not have it, or there is no such link
     */
    public synchronized boolean deleteAddress(String device, int address, int prefixLength) throws IOException {
        checkPrefix(prefixLength);
        Optional<Link> link = link(device);
        if (link.isEmpty()) {
            return false;
        }
        address(socket.writer(), socket.nextSeq(), RTM_DELADDR, NEW, link.get().index(), address, prefixLength);
        return executeDelete("RTM_DELADDR " + ipv4(address) + "/" + prefixLength + " dev " + device);
    }

    /**
     * Adds {@code route} to the main table.
     *
     * @throws NativeIoException EEXIST ({@link NativeIoException#isAlreadyExists()}) if a
     *         route to that destination exists, ENETUNREACH if the gateway is not reachable
     */
    public synchronized void addRoute(Ipv4Route route) throws IOException {
        newRoute(socket.writer(), socket.nextSeq(), CREATE, route, deviceIndex(route));
        socket.execute("RTM_NEWROUTE " + route, IGNORE);
    }

    /** Adds {@code route} to the main table, replacing the route to the same destination. */
    public synchronized void replaceRoute(Ipv4Route route) throws IOException {
        newRoute(socket.writer(), socket.nextSeq(), REPLACE, route, deviceIndex(route));
        socket.execute("RTM_NEWROUTE replace " + route, IGNORE);
    }

    /**
     * Deletes {@code route} from the main table.
     *
     * @return false if there was no such route (or no such device)
     */
    public synchronized boolean deleteRoute(Ipv4Route route) throws IOException {
        int index = 0;
        if (route.device() != null) {
            Optional<Link> link = link(route.device());
            if (link.isEmpty()) {
                return false;
            }
            index = link.get().index();
        }
        deleteRoute(socket.writer(), socket.nextSeq(), route, index);
        return executeDelete("RTM_DELROUTE " + route);
    }

    @Override
    public synchronized void close() throws IOException {
        socket.close();
    }

    private int deviceIndex(Ipv4Route route) throws IOException {
        return route.device() == null ? 0 : linkIndex(route.device());
    }

    private boolean executeDelete(String call) throws IOException {
        try {
            socket.execute(call, IGNORE);
            return true;
        } catch (NativeIoException e) {
            if (e.isAbsent()) {
                return false;
            }
            throw e;
        }
    }

    private static void checkPrefix(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0..32");
        }
    }

    /** Formats an IPv4 address held in an {@code int} for messages. */
    static String ipv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    // Request builders: each writes one complete request, so tests compare them byte for
    // byte with what iproute2 sends. Links are named in the request (index 0 plus
    // IFLA_IFNAME), which saves the lookup iproute2 makes first.

    static NetlinkMessageWriter getLink(NetlinkMessageWriter w, int seq, byte[] name) {
        return w.begin(RTM_GETLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrInt(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)
                .attrString(IFLA_IFNAME, name);
    }

    static NetlinkMessageWriter dumpLinks(NetlinkMessageWriter w, int seq) {
        return w.begin(RTM_GETLINK, DUMP, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrInt(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    }

    static NetlinkMessageWriter dumpAddresses(NetlinkMessageWriter w, int seq) {
        return w.begin(RTM_GETADDR, DUMP, seq).ifaddrmsg(AF_INET, 0, 0, RT_SCOPE_UNIVERSE, 0);
    }

    /**
     * Bridge port settings go to the bridge's own handler ({@code AF_BRIDGE}), which finds
     * the port by index only and reads {@code IFLA_PROTINFO} as port attributes only when
     * it carries {@code NLA_F_NESTED}; without the flag it takes the value for an STP state.
     */
    static NetlinkMessageWriter setBridgePort(NetlinkMessageWriter w, int seq, int index, boolean isolated) {
        w.begin(RTM_SETLINK, NEW, seq).ifinfomsg(AF_BRIDGE, index, 0, 0);
        int protinfo = w.beginNested(IFLA_PROTINFO | Netlink.NLA_F_NESTED);
        return w.attrByte(IFLA_BRPORT_ISOLATED, isolated ? 1 : 0).endNested(protinfo);
    }

    static NetlinkMessageWriter setFlags(NetlinkMessageWriter w, int seq, byte[] name, int flags, int change) {
        return w.begin(RTM_NEWLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, 0, flags, change)
                .attrString(IFLA_IFNAME, name);
    }

    static NetlinkMessageWriter setAttrInt(NetlinkMessageWriter w, int seq, byte[] name, int type, int value) {
        return w.begin(RTM_NEWLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name)
                .attrInt(type, value);
    }

    static NetlinkMessageWriter setMac(NetlinkMessageWriter w, int seq, byte[] name, long mac) {
        return w.begin(RTM_NEWLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name)
                .attrMac(IFLA_ADDRESS, mac);
    }

    static NetlinkMessageWriter rename(NetlinkMessageWriter w, int seq, int index, byte[] newName) {
        return w.begin(RTM_NEWLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, index, 0, 0)
                .attrString(IFLA_IFNAME, newName);
    }

    static NetlinkMessageWriter newBridge(NetlinkMessageWriter w, int seq, byte[] name) {
        w.begin(RTM_NEWLINK, CREATE, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name);
        int linkinfo = w.beginNested(IFLA_LINKINFO);
        return w.attrBytes(IFLA_INFO_KIND, BRIDGE).endNested(linkinfo);
    }

    static NetlinkMessageWriter newVeth(NetlinkMessageWriter w, int seq, byte[] name, byte[] peerName,
                                        int peerNetnsFd) {
        return newVeth(w, seq, name, peerName, peerNetnsFd, 0);
    }

    static NetlinkMessageWriter newVeth(NetlinkMessageWriter w, int seq, byte[] name, byte[] peerName,
                                        int peerNetnsFd, long peerMac) {
        w.begin(RTM_NEWLINK, CREATE, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name);
        int linkinfo = w.beginNested(IFLA_LINKINFO);
        w.attrBytes(IFLA_INFO_KIND, VETH);
        int data = w.beginNested(IFLA_INFO_DATA);
        int peer = w.beginNested(VETH_INFO_PEER);
        w.ifinfomsg(AF_UNSPEC, 0, 0, 0);
        if (peerMac != 0) {
            w.attrMac(IFLA_ADDRESS, peerMac);
        }
        if (peerNetnsFd >= 0) {
            w.attrInt(IFLA_NET_NS_FD, peerNetnsFd);
        }
        w.attrString(IFLA_IFNAME, peerName);
        return w.endNested(peer).endNested(data).endNested(linkinfo);
    }

    static NetlinkMessageWriter deleteLink(NetlinkMessageWriter w, int seq, byte[] name) {
        return w.begin(RTM_DELLINK, NEW, seq)
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attrString(IFLA_IFNAME, name);
    }

    static NetlinkMessageWriter address(NetlinkMessageWriter w, int seq, int type, int flags, int index,
                                        int address, int prefixLength) {
        return w.begin(type, flags, seq)
                .ifaddrmsg(AF_INET, prefixLength, 0, RT_SCOPE_UNIVERSE, index)
                .attrIpv4(IFA_LOCAL, address)
                .attrIpv4(IFA_ADDRESS, address);
    }

    static NetlinkMessageWriter newRoute(NetlinkMessageWriter w, int seq, int flags, Ipv4Route route, int index) {
        int scope = route.gateway() == 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        w.begin(RTM_NEWROUTE, flags, seq)
                .rtmsg(AF_INET, route.prefixLength(), RT_TABLE_MAIN, RTPROT_BOOT, scope, RTN_UNICAST,
                        route.onLink() ? RTNH_F_ONLINK : 0);
        return routeAttrs(w, route, index);
    }

    static NetlinkMessageWriter deleteRoute(NetlinkMessageWriter w, int seq, Ipv4Route route, int index) {
        // Protocol 0, scope NOWHERE and type 0 are wildcards: delete whoever added it.
        w.begin(RTM_DELROUTE, NEW, seq)
                .rtmsg(AF_INET, route.prefixLength(), RT_TABLE_MAIN, 0, RT_SCOPE_NOWHERE, 0, 0);
        return routeAttrs(w, route, index);
    }

    private static NetlinkMessageWriter routeAttrs(NetlinkMessageWriter w, Ipv4Route route, int index) {
        if (route.prefixLength() > 0) {
            w.attrIpv4(RTA_DST, route.destination());
        }
        if (route.gateway() != 0) {
            w.attrIpv4(RTA_GATEWAY, route.gateway());
        }
        if (index != 0) {
            w.attrInt(RTA_OIF, index);
        }
        return w;
    }

    /**
     * Reads an RTM_NEWADDR message: {@code struct ifaddrmsg}, then attributes; null for an
     * address of another family. {@code IFA_LOCAL} is the address itself, where
     * {@code IFA_ADDRESS} is the peer on a point-to-point link, so it is read first.
     */
    static Ipv4LinkAddress parseAddress(ByteBuf buf, int at, int length) throws IOException {
        int ifaddr = at + Netlink.NLMSG_HDRLEN;
        int attrs = ifaddr + NetlinkMessageWriter.IFADDRMSG_SIZE;
        int end = at + length;
        if (Netlink.messageType(buf, at) != RTM_NEWADDR || attrs > end) {
            throw new IOException("malformed address message of type " + Netlink.messageType(buf, at)
                    + " and " + length + " bytes");
        }
        if (buf.getUnsignedByte(ifaddr) != AF_INET) {
            return null;
        }
        int prefixLength = buf.getUnsignedByte(ifaddr + 1);
        int index = Buffers.getHostInt(buf, ifaddr + 4);
        int attr = Netlink.findAttr(buf, attrs, end, IFA_LOCAL);
        if (attr < 0) {
            attr = Netlink.findAttr(buf, attrs, end, IFA_ADDRESS);
        }
        if (attr < 0 || Netlink.attrLength(buf, attr) != Netlink.NLA_HDRLEN + 4 || prefixLength > 32) {
            throw new IOException("malformed IPv4 address message for ifindex " + index);
        }
        return new Ipv4LinkAddress(index, buf.getInt(attr + Netlink.NLA_HDRLEN), prefixLength);
    }

    /** Reads an RTM_NEWLINK message: {@code struct ifinfomsg}, then attributes. */
    static Link parseLink(ByteBuf buf, int at, int length) throws IOException {
        int ifinfo = at + Netlink.NLMSG_HDRLEN;
        int attrs = ifinfo + NetlinkMessageWriter.IFINFOMSG_SIZE;
        int end = at + length;
        if (Netlink.messageType(buf, at) != RTM_NEWLINK || attrs > end) {
            throw new IOException("malformed link message of type " + Netlink.messageType(buf, at)
                    + " and " + length + " bytes");
        }
        int index = Buffers.getHostInt(buf, ifinfo + 4);
        int flags = Buffers.getHostInt(buf, ifinfo + 8);
        String name = Netlink.attrString(buf, Netlink.findAttr(buf, attrs, end, IFLA_IFNAME), "");
        int mtu = Netlink.attrInt(buf, Netlink.findAttr(buf, attrs, end, IFLA_MTU), 0);
        int master = Netlink.attrInt(buf, Netlink.findAttr(buf, attrs, end, IFLA_MASTER), 0);
        String kind = "";
        int linkinfo = Netlink.findAttr(buf, attrs, end, IFLA_LINKINFO);
        if (linkinfo >= 0) {
            int nested = linkinfo + Netlink.NLA_HDRLEN;
            int kindAttr = Netlink.findAttr(buf, nested, linkinfo + Netlink.attrLength(buf, linkinfo), IFLA_INFO_KIND);
            kind = Netlink.attrString(buf, kindAttr, "");
        }
        long mac = 0;
        int address = Netlink.findAttr(buf, attrs, end, IFLA_ADDRESS);
        if (address >= 0 && Netlink.attrLength(buf, address) == Netlink.NLA_HDRLEN + 6) {
            mac = ((buf.getInt(address + Netlink.NLA_HDRLEN) & 0xffffffffL) << 16)
                    | buf.getUnsignedShort(address + Netlink.NLA_HDRLEN + 4);
        }
        return new Link(index, name, kind, mtu, master, mac, flags);
    }
}
