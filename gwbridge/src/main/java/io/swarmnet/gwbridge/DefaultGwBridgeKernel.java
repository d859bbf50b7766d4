package io.swarmnet.gwbridge;

import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Ipv4Route;
import io.swarmnet.sys.Link;
import io.swarmnet.sys.NativeIoException;
import io.swarmnet.sys.Netns;
import io.swarmnet.sys.Nftables;
import io.swarmnet.sys.Rtnetlink;
import io.swarmnet.sys.Sysctl;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The kernel behind {@link GwBridge}: rtnetlink and libnftables sockets opened in the
 * node's namespace, which keep working on it from whichever thread calls, and a short-lived
 * rtnetlink socket in a task's namespace for each task operation.
 */
public final class DefaultGwBridgeKernel implements GwBridgeKernel {
    private final Netns node;
    private final Rtnetlink rtnl;
    private final Nftables nft;

    private DefaultGwBridgeKernel(Netns node, Rtnetlink rtnl, Nftables nft) {
        this.node = node;
        this.rtnl = rtnl;
        this.nft = nft;
    }

    /** Opens the sockets on {@code node}, which the caller keeps open while this is used. */
    public static DefaultGwBridgeKernel open(Netns node) throws IOException {
        Rtnetlink rtnl = Rtnetlink.open(node);
        boolean success = false;
        try {
            DefaultGwBridgeKernel kernel = new DefaultGwBridgeKernel(node, rtnl, Nftables.open(node));
            success = true;
            return kernel;
        } finally {
            if (!success) {
                rtnl.close();
            }
        }
    }

    @Override
    public List<Link> links() throws IOException {
        return rtnl.links();
    }

    @Override
    public Optional<Link> link(String name) throws IOException {
        return rtnl.link(name);
    }

    @Override
    public List<Ipv4LinkAddress> addresses() throws IOException {
        return rtnl.addresses();
    }

    @Override
    public void addBridge(String name, long mac) throws IOException {
        rtnl.addBridge(name);
        try {
            rtnl.setMac(name, mac);
        } catch (IOException e) {
            deleteSuppressing(name, e);
            throw e;
        }
    }

    @Override
    public void addAddress(String name, int address, int prefixLength) throws IOException {
        addAddress(rtnl, name, address, prefixLength);
    }

    @Override
    public void setUp(String name) throws IOException {
        rtnl.setLinkUp(name);
    }

    @Override
    public void enableForwarding() throws IOException {
        node.call(() -> {
            Sysctl.write("net.ipv4.ip_forward", "1");
            return null;
        });
    }

    @Override
    public Optional<String> listTable(String family, String name) throws IOException {
        // Listing every table of the family and picking ours tells absent from broken
        // without reading nft's error text.
        String tables = nft.run("list tables " + family);
        if (!tables.lines().anyMatch(line -> line.equals("table " + family + " " + name))) {
            return Optional.empty();
        }
        return Optional.of(nft.run("list table " + family + " " + name));
    }

    @Override
    public void replaceTable(String family, String name, String body) throws IOException {
        String table = "table " + family + " " + name;
        // One batch: add (a no-op if it exists), delete, add anew. The kernel commits all
        // three or none, so no packet sees a missing or half-written table.
        nft.run(table + "\ndelete " + table + "\n" + table + " {\n" + body + "}\n");
    }

    @Override
    public void deleteTable(String family, String name) throws IOException {
        String table = "table " + family + " " + name;
        nft.run(table + "\ndelete " + table + "\n");
    }

    @Override
    public void addVeth(String port, String taskLink, Netns taskNetns, long taskMac) throws IOException {
        rtnl.addVeth(port, taskLink, taskNetns, taskMac);
    }

    @Override
    public void attachPort(String port, String bridge) throws IOException {
        rtnl.setMaster(port, bridge);
        rtnl.setBridgePortIsolated(port, true);
        rtnl.setLinkUp(port);
    }

    @Override
    public boolean deleteLink(String name) throws IOException {
        return rtnl.deleteLink(name);
    }

    @Override
    public Optional<Link> taskLink(Netns taskNetns, String name) throws IOException {
        try (Rtnetlink task = Rtnetlink.open(taskNetns)) {
            return task.link(name);
        }
    }

    @Override
    public void configureTaskLink(Netns taskNetns, String name, int address, int prefixLength, int gateway)
            throws IOException {
        try (Rtnetlink task = Rtnetlink.open(taskNetns)) {
            addAddress(task, name, address, prefixLength);
            task.setLinkUp(name);
            task.replaceRoute(new Ipv4Route(0, 0, gateway, name, false));
        }
    }

    private static void addAddress(Rtnetlink rtnetlink, String name, int address, int prefixLength)
            throws IOException {
        try {
            rtnetlink.addAddress(name, address, prefixLength);
        } catch (NativeIoException e) {
            if (!e.isAlreadyExists()) {
                throw e;
            }
        }
    }

    private void deleteSuppressing(String name, IOException cause) {
        try {
            rtnl.deleteLink(name);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            nft.close();
        } finally {
            rtnl.close();
        }
    }
}
