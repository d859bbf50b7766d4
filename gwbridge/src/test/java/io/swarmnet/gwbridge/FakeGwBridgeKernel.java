package io.swarmnet.gwbridge;

import io.swarmnet.sys.Errno;
import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Link;
import io.swarmnet.sys.NativeIoException;
import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory kernel with the semantics {@link GwBridge} relies on (a veth's ends die
 * together, creating what exists is EEXIST), which records every change and fails the
 * call it is told to.
 */
final class FakeGwBridgeKernel implements GwBridgeKernel {
    /** A link of the node or of a task namespace. */
    static final class FakeLink {
        final int index;
        final String name;
        final String kind;
        long mac;
        String master;
        boolean up;
        boolean isolated;
        final List<Ipv4LinkAddress> addresses = new ArrayList<>();
        int defaultGateway;
        FakeLink peer;
        Map<String, FakeLink> home;

        FakeLink(int index, String name, String kind) {
            this.index = index;
            this.name = name;
            this.kind = kind;
        }
    }

    final Map<String, FakeLink> node = new LinkedHashMap<>();
    final Map<Netns, Map<String, FakeLink>> tasks = new IdentityHashMap<>();
    final Map<String, String> tables = new TreeMap<>();
    /** Every change, as "method subject". */
    final List<String> changes = new ArrayList<>();
    boolean forwarding;
    boolean closed;
    private final Set<String> failing = new HashSet<>();
    private int nextIndex = 2;

    /** Makes the next call of {@code method} fail. */
    void failNext(String method) {
        failing.add(method);
    }

    /** Adds a link to the node as someone else would. */
    FakeLink addNodeLink(String name, String kind) {
        FakeLink link = new FakeLink(nextIndex++, name, kind);
        link.home = node;
        node.put(name, link);
        return link;
    }

    Map<String, FakeLink> task(Netns netns) {
        return tasks.computeIfAbsent(netns, n -> new LinkedHashMap<>());
    }

    private void call(String method, String subject, boolean change) throws IOException {
        if (closed) {
            throw new IllegalStateException("fake kernel is closed");
        }
        if (failing.remove(method)) {
            throw new IOException("injected failure of " + method + " " + subject);
        }
        if (change) {
            changes.add(method + " " + subject);
        }
    }

    private static Link view(FakeLink l, Map<String, FakeLink> ns) {
        int master = l.master == null ? 0 : ns.get(l.master).index;
        return new Link(l.index, l.name, l.kind, 1500, master, l.mac, l.up ? Link.IFF_UP : 0);
    }

    private FakeLink nodeLink(String name) throws NativeIoException {
        FakeLink link = node.get(name);
        if (link == null) {
            throw new NativeIoException("fake " + name, Errno.ENODEV, null);
        }
        return link;
    }

    @Override
    public List<Link> links() throws IOException {
        call("links", "", false);
        List<Link> links = new ArrayList<>();
        for (FakeLink l : node.values()) {
            links.add(view(l, node));
        }
        return links;
    }

    @Override
    public Optional<Link> link(String name) throws IOException {
        call("link", name, false);
        FakeLink l = node.get(name);
        return l == null ? Optional.empty() : Optional.of(view(l, node));
    }

    @Override
    public List<Ipv4LinkAddress> addresses() throws IOException {
        call("addresses", "", false);
        List<Ipv4LinkAddress> all = new ArrayList<>();
        node.values().forEach(l -> all.addAll(l.addresses));
        return all;
    }

    @Override
    public void addBridge(String name, long mac) throws IOException {
        call("addBridge", name, true);
        if (node.containsKey(name)) {
            throw new NativeIoException("fake addBridge " + name, Errno.EEXIST, null);
        }
        addNodeLink(name, "bridge").mac = mac;
    }

    @Override
    public void addAddress(String name, int address, int prefixLength) throws IOException {
        call("addAddress", name, true);
        FakeLink link = nodeLink(name);
        Ipv4LinkAddress a = new Ipv4LinkAddress(link.index, address, prefixLength);
        if (!link.addresses.contains(a)) {
            link.addresses.add(a);
        }
    }

    @Override
    public void setUp(String name) throws IOException {
        call("setUp", name, true);
        nodeLink(name).up = true;
    }

    @Override
    public void enableForwarding() throws IOException {
        call("enableForwarding", "", true);
        forwarding = true;
    }

    @Override
    public Optional<String> listTable(String family, String name) throws IOException {
        call("listTable", name, false);
        return Optional.ofNullable(tables.get(family + " " + name));
    }

    @Override
    public void replaceTable(String family, String name, String body) throws IOException {
        call("replaceTable", name, true);
        tables.put(family + " " + name, body);
    }

    @Override
    public void deleteTable(String family, String name) throws IOException {
        call("deleteTable", name, true);
        tables.remove(family + " " + name);
    }

    @Override
    public void addVeth(String port, String taskLink, Netns taskNetns, long taskMac) throws IOException {
        call("addVeth", port, true);
        Map<String, FakeLink> task = task(taskNetns);
        if (node.containsKey(port) || task.containsKey(taskLink)) {
            throw new NativeIoException("fake addVeth " + port, Errno.EEXIST, null);
        }
        FakeLink host = addNodeLink(port, "veth");
        FakeLink peer = new FakeLink(nextIndex++, taskLink, "veth");
        peer.mac = taskMac;
        peer.home = task;
        task.put(taskLink, peer);
        host.peer = peer;
        peer.peer = host;
    }

    @Override
    public void attachPort(String port, String bridge) throws IOException {
        call("attachPort", port, true);
        FakeLink link = nodeLink(port);
        nodeLink(bridge);
        link.master = bridge;
        link.isolated = true;
        link.up = true;
    }

    @Override
    public boolean deleteLink(String name) throws IOException {
        call("deleteLink", name, true);
        FakeLink link = node.remove(name);
        if (link == null) {
            return false;
        }
        if (link.peer != null) {
            link.peer.home.remove(link.peer.name);
        }
        for (FakeLink other : node.values()) {
            if (name.equals(other.master)) {
                other.master = null;
            }
        }
        return true;
    }

    @Override
    public Optional<Link> taskLink(Netns taskNetns, String name) throws IOException {
        call("taskLink", name, false);
        FakeLink l = task(taskNetns).get(name);
        return l == null ? Optional.empty() : Optional.of(view(l, task(taskNetns)));
    }

    @Override
    public void configureTaskLink(Netns taskNetns, String name, int address, int prefixLength, int gateway)
            throws IOException {
        call("configureTaskLink", name, true);
        FakeLink link = task(taskNetns).get(name);
        if (link == null) {
            throw new NativeIoException("fake configureTaskLink " + name, Errno.ENODEV, null);
        }
        Ipv4LinkAddress a = new Ipv4LinkAddress(link.index, address, prefixLength);
        if (!link.addresses.contains(a)) {
            link.addresses.add(a);
        }
        link.up = true;
        link.defaultGateway = gateway;
    }

    @Override
    public void close() {
        closed = true;
    }
}
