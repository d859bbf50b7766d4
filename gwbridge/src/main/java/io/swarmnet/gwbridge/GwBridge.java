package io.swarmnet.gwbridge;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Link;
import io.swarmnet.sys.Netns;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's {@code docker_gwbridge}: the bridge every task on a non-internal network gets
 * a second interface on, for traffic to the outside world, source-NATed to the node's
 * address.
 *
 * <p>Design notes. The bridge, its ports and the task ends are plain kernel objects made
 * over rtnetlink, and the NAT is one nftables table ({@link GwBridgeTable}), so once they
 * are in place egress is the kernel's own forwarding path and the agent is not on it; the
 * agent may stop or crash and tasks keep their egress. Tasks never reach each other
 * through the bridge (Docker's ICC off): every task port is isolated
 * ({@code IFLA_BRPORT_ISOLATED}), which drops frames between isolated ports in the
 * bridge's forwarding path at no per-rule cost, and the table's forward chain drops what a
 * task routes back onto the bridge through the gateway.
 *
 * <p>Everything is reconciled, never assumed: {@link #start} reads back what an earlier
 * run left (bridge, ports, table, the state file) and converges, so a restart creates
 * nothing twice and is never refused with "file exists" (libnetwork#1765); it removes the
 * ports of tasks the caller no longer wants and of crashed half-attaches. Each task's
 * address is remembered in {@code <dataDir>/gwbridge.json} so it survives restarts, the
 * host port's name is derived from the task id and the task link's MAC from its address,
 * so what was made can be recognised. Configuration is checked against the namespace
 * before anything is changed.
 *
 * <p>Thread-safe: operations are serialised; each takes a few netlink round trips.
 */
public final class GwBridge implements Closeable {
    /** The task's interface on the gwbridge; {@code eth0} is its overlay. */
    public static final String TASK_LINK = "eth1";

    private static final Logger LOG = LoggerFactory.getLogger(GwBridge.class);

    private final GwBridgeKernel kernel;
    private final GwBridgeConfig config;
    private final AddressPool pool;
    /** By task id, sorted so the state file is stable. */
    private final Map<String, GwBridgeAttachment> attachments = new TreeMap<>();
    private boolean closed;

    private GwBridge(GwBridgeKernel kernel, GwBridgeConfig config, List<GwBridgeAttachment> known) {
        this.kernel = kernel;
        this.config = config;
        this.pool = new AddressPool(config.poolNetwork(), config.poolPrefixLength(), config.gateway());
        for (GwBridgeAttachment attachment : known) {
            attachments.put(attachment.taskId(), attachment);
        }
    }

    /**
     * Checks {@code config} against the node's namespace {@code node} and the state an
     * earlier run left, then makes the gwbridge what it should be and prunes what nobody
     * wants; see {@link #start(GwBridgeKernel, GwBridgeConfig, Set)}.
     */
    public static GwBridge start(Netns node, GwBridgeConfig config, Set<String> wantedTaskIds) throws IOException {
        GwBridgeKernel kernel = DefaultGwBridgeKernel.open(node);
        boolean success = false;
        try {
            GwBridge bridge = start(kernel, config, wantedTaskIds);
            success = true;
            return bridge;
        } finally {
            if (!success) {
                kernel.close();
            }
        }
    }

    /**
     * Starts the gwbridge on {@code kernel}; once started, the gwbridge owns the kernel and
     * closes it with {@link #close()}, while after a failed start it is still the caller's.
     *
     * <p>First, without changing anything, refuses a configuration that cannot work: a pool
     * that overlaps an address of another interface, a bridge of that name that is no
     * bridge or holds another address, a state file written for another pool or bridge.
     * Then creates or repairs the bridge, turns forwarding on, rewrites the nftables table
     * and prunes (see {@link #reconcile}). If that fails, what this call created is removed
     * again.
     *
     * @param wantedTaskIds the tasks whose attachments to keep; the others are detached
     * @throws GwBridgeConfigException if the configuration is refused; nothing was changed
     */
    public static GwBridge start(GwBridgeKernel kernel, GwBridgeConfig config, Set<String> wantedTaskIds)
            throws IOException {
        List<GwBridgeAttachment> known = loadState(config);
        checkNamespace(kernel, config);
        GwBridge bridge = new GwBridge(kernel, config, known);
        for (GwBridgeAttachment attachment : known) {
            bridge.pool.reserve(attachment.address());
        }
        boolean hadBridge = kernel.link(config.bridgeName()).isPresent();
        boolean hadTable = kernel.listTable(GwBridgeTable.FAMILY, GwBridgeTable.NAME).isPresent();
        boolean success = false;
        try {
            bridge.reconcile(wantedTaskIds);
            success = true;
            return bridge;
        } finally {
            if (!success) {
                undoStart(kernel, config, hadBridge, hadTable);
            }
        }
    }

    private static void undoStart(GwBridgeKernel kernel, GwBridgeConfig config, boolean hadBridge, boolean hadTable) {
        try {
            if (!hadTable) {
                kernel.deleteTable(GwBridgeTable.FAMILY, GwBridgeTable.NAME);
            }
            if (!hadBridge) {
                kernel.deleteLink(config.bridgeName());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("gwbridge: could not undo a failed start: {}", e.toString());
        }
    }

    /** The attachments the state file remembers, checked against {@code config}. */
    private static List<GwBridgeAttachment> loadState(GwBridgeConfig config) throws IOException {
        Optional<GwBridgeStateFile.State> loaded = GwBridgeStateFile.load(config.stateFile());
        if (loaded.isEmpty()) {
            return List.of();
        }
        GwBridgeStateFile.State state = loaded.get();
        String gateway = Ipv4Address.toString(config.gateway());
        if (!state.bridge().equals(config.bridgeName()) || !state.pool().equals(config.pool())
                || !state.gateway().equals(gateway)) {
            throw new GwBridgeConfigException("gwbridge state " + config.stateFile() + " is for bridge "
                    + state.bridge() + " with pool " + state.pool() + " and gateway " + state.gateway()
                    + ", but the configuration says " + config.bridgeName() + ", " + config.pool() + ", " + gateway
                    + "; run the agent with --cleanup before changing them");
        }
        List<GwBridgeAttachment> known = GwBridgeStateFile.attachments(config.stateFile(), state, config);
        AddressPool check = new AddressPool(config.poolNetwork(), config.poolPrefixLength(), config.gateway());
        for (GwBridgeAttachment attachment : known) {
            try {
                check.reserve(attachment.address());
            } catch (IllegalArgumentException e) {
                throw new GwBridgeConfigException("gwbridge state " + config.stateFile() + " is corrupt (task "
                        + attachment.taskId() + ": " + e.getMessage() + "); move it away or run the agent with --cleanup");
            }
        }
        return known;
    }

    /** Refuses a configuration that conflicts with what the node's namespace has. */
    private static void checkNamespace(GwBridgeKernel kernel, GwBridgeConfig config) throws IOException {
        Map<Integer, Link> byIndex = new HashMap<>();
        for (Link link : kernel.links()) {
            byIndex.put(link.index(), link);
        }
        Link bridge = byIndex.values().stream().filter(l -> l.name().equals(config.bridgeName())).findFirst()
                .orElse(null);
        if (bridge != null && !bridge.kind().equals("bridge")) {
            throw new GwBridgeConfigException("gwbridge: " + config.bridgeName() + " exists but is "
                    + (bridge.kind().isEmpty() ? "not a bridge" : "a " + bridge.kind() + ", not a bridge")
                    + "; remove it or configure another bridge name");
        }
        String gateway = Ipv4Address.toString(config.gateway()) + "/" + config.poolPrefixLength();
        for (Ipv4LinkAddress address : kernel.addresses()) {
            Link link = byIndex.get(address.index());
            String name = link == null ? "ifindex " + address.index() : link.name();
            if (bridge != null && address.index() == bridge.index()) {
                if (address.address() != config.gateway() || address.prefixLength() != config.poolPrefixLength()) {
                    throw new GwBridgeConfigException("gwbridge: " + config.bridgeName() + " exists with address "
                            + address + ", not the configured gateway " + gateway
                            + "; remove it (run the agent with --cleanup) or configure that pool");
                }
            } else if (address.overlaps(config.poolNetwork(), config.poolPrefixLength())) {
                throw new GwBridgeConfigException("gwbridge pool " + config.pool() + " overlaps " + address + " on "
                        + name + "; configure a pool no interface of the node uses");
            }
        }
    }

    /**
     * Converges the node's side: creates or repairs the bridge (fixed MAC, gateway address,
     * up), turns IPv4 forwarding on, rewrites the nftables table, deletes the ports of tasks
     * not in {@code wantedTaskIds} and ports of our form that no attachment owns (a crash
     * between creating a veth and finishing the attach), re-asserts the bridge membership
     * and isolation of the rest, and forgets unwanted attachments, freeing their addresses.
     *
     * <p>A wanted task whose port is gone keeps its address; {@link #attach} re-creates the
     * port. Task namespaces are not touched: call {@link #attach} for each wanted task to
     * converge its side.
     */
    public synchronized void reconcile(Set<String> wantedTaskIds) throws IOException {
        checkOpen();
        ensureBridge();
        kernel.enableForwarding();
        ensureTable();
        prune(Set.copyOf(wantedTaskIds));
    }

    private void ensureBridge() throws IOException {
        String name = config.bridgeName();
        Optional<Link> bridge = kernel.link(name);
        if (bridge.isEmpty()) {
            kernel.addBridge(name, Naming.mac(config.gateway()));
            LOG.info("gwbridge: created bridge {}", name);
        } else if (!bridge.get().kind().equals("bridge")) {
            throw new IOException("gwbridge: " + name + " is no longer a bridge but a " + bridge.get().kind());
        }
        kernel.addAddress(name, config.gateway(), config.poolPrefixLength());
        if (bridge.isEmpty() || !bridge.get().isUp()) {
            kernel.setUp(name);
        }
    }

    private void ensureTable() throws IOException {
        boolean existed = kernel.listTable(GwBridgeTable.FAMILY, GwBridgeTable.NAME).isPresent();
        kernel.replaceTable(GwBridgeTable.FAMILY, GwBridgeTable.NAME, GwBridgeTable.body(config));
        if (!existed) {
            LOG.info("gwbridge: created nftables table {} {}", GwBridgeTable.FAMILY, GwBridgeTable.NAME);
        }
    }

    private void prune(Set<String> wanted) throws IOException {
        Map<String, GwBridgeAttachment> byPort = new HashMap<>();
        for (GwBridgeAttachment attachment : attachments.values()) {
            byPort.put(attachment.port(), attachment);
        }
        for (Link link : kernel.links()) {
            if (!Naming.isPort(link.name()) || !link.kind().equals("veth")) {
                continue;
            }
            GwBridgeAttachment owner = byPort.get(link.name());
            if (owner == null || !wanted.contains(owner.taskId())) {
                kernel.deleteLink(link.name());
                LOG.info("gwbridge: pruned port {} ({})", link.name(),
                        owner == null ? "no attachment owns it" : "task " + owner.taskId() + " is gone");
            } else {
                kernel.attachPort(link.name(), config.bridgeName());
            }
        }
        List<String> gone = new ArrayList<>();
        for (GwBridgeAttachment attachment : attachments.values()) {
            if (!wanted.contains(attachment.taskId())) {
                gone.add(attachment.taskId());
            }
        }
        if (!gone.isEmpty()) {
            for (String taskId : gone) {
                pool.release(attachments.remove(taskId).address());
            }
            save();
            LOG.info("gwbridge: released the addresses of tasks {}", gone);
        }
    }

    /**
     * Gives task {@code taskId}, whose network namespace is {@code taskNetns}, its
     * {@value #TASK_LINK} on the gwbridge: a veth whose host end is an isolated port of the
     * bridge, an address from the pool (the lowest free one, or the one it had), the
     * default route via the gateway. The overlay routes on {@code eth0} are left alone.
     *
     * <p>Idempotent: attaching an attached task repairs what is missing and returns the
     * same attachment. If the task is attached through another namespace (it was
     * re-created), that link is replaced by one into {@code taskNetns} with the same
     * address. If the attach fails, the port is removed and a newly taken address freed.
     *
     * @throws IllegalArgumentException if {@code taskId} is malformed
     * @throws IllegalStateException if the pool is exhausted
     * @throws IOException if the task already has an {@value #TASK_LINK} that is not ours,
     *         or the kernel refuses a change
     */
    public synchronized GwBridgeAttachment attach(Netns taskNetns, String taskId) throws IOException {
        Naming.checkTaskId(taskId);
        checkOpen();
        GwBridgeAttachment attachment = attachments.get(taskId);
        boolean fresh = attachment == null;
        if (fresh) {
            attachment = allocate(taskId);
        }
        try {
            realise(taskNetns, attachment);
        } catch (IOException | RuntimeException e) {
            undoAttach(attachment, fresh, e);
            throw e;
        }
        if (fresh) {
            LOG.info("gwbridge: attached {}", attachment);
        }
        return attachment;
    }

    private GwBridgeAttachment allocate(String taskId) throws IOException {
        String port = Naming.port(taskId);
        for (GwBridgeAttachment other : attachments.values()) {
            if (other.port().equals(port)) {
                throw new IllegalStateException("gwbridge: tasks " + other.taskId() + " and " + taskId
                        + " hash to the same port name " + port);
            }
        }
        GwBridgeAttachment attachment = new GwBridgeAttachment(taskId, port, pool.allocate(),
                config.poolPrefixLength(), config.gateway());
        attachments.put(taskId, attachment);
        // Remember the address before making anything that uses it, so a crash leaves at
        // worst an address with no port (attach re-creates it), never a port with no owner.
        try {
            save();
        } catch (IOException | RuntimeException e) {
            attachments.remove(taskId);
            pool.release(attachment.address());
            throw e;
        }
        return attachment;
    }

    private void realise(Netns taskNetns, GwBridgeAttachment attachment) throws IOException {
        Optional<Link> taskLink = kernel.taskLink(taskNetns, TASK_LINK);
        boolean ours = taskLink.isPresent() && taskLink.get().mac() == attachment.mac();
        if (taskLink.isPresent() && !ours) {
            throw new IOException("gwbridge: the namespace of task " + attachment.taskId() + " (" + taskNetns.path()
                    + ") already has an " + TASK_LINK + " that is not its gwbridge link");
        }
        if (!ours || kernel.link(attachment.port()).isEmpty()) {
            // A port without our link in this namespace leads into the task's old one.
            kernel.deleteLink(attachment.port());
            kernel.addVeth(attachment.port(), TASK_LINK, taskNetns, attachment.mac());
        }
        kernel.attachPort(attachment.port(), config.bridgeName());
        kernel.configureTaskLink(taskNetns, TASK_LINK, attachment.address(), attachment.prefixLength(),
                attachment.gateway());
    }

    private void undoAttach(GwBridgeAttachment attachment, boolean fresh, Exception cause) {
        try {
            kernel.deleteLink(attachment.port());
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        if (fresh) {
            attachments.remove(attachment.taskId());
            pool.release(attachment.address());
            try {
                save();
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * Removes task {@code taskId}'s link to the gwbridge (its {@value #TASK_LINK} goes with
     * the port) and frees its address.
     *
     * @return false if the task was not attached
     */
    public synchronized boolean detach(String taskId) throws IOException {
        Naming.checkTaskId(taskId);
        checkOpen();
        GwBridgeAttachment attachment = attachments.get(taskId);
        // The port name follows from the id, so even a forgotten attachment's port goes.
        boolean deleted = kernel.deleteLink(Naming.port(taskId));
        if (attachment == null) {
            return deleted;
        }
        attachments.remove(taskId);
        pool.release(attachment.address());
        save();
        LOG.info("gwbridge: detached {}", attachment);
        return true;
    }

    /** The attachment of task {@code taskId}, or empty. */
    public synchronized Optional<GwBridgeAttachment> attachment(String taskId) {
        return Optional.ofNullable(attachments.get(taskId));
    }

    /** Every attachment, by task id. */
    public synchronized List<GwBridgeAttachment> attachments() {
        return List.copyOf(attachments.values());
    }

    /** The configuration this gwbridge runs with. */
    public GwBridgeConfig config() {
        return config;
    }

    /**
     * Removes everything the gwbridge made (ports, bridge, nftables table, state file) and
     * closes it, for {@code agent --cleanup}. Tasks lose their {@value #TASK_LINK}.
     * IPv4 forwarding stays on: other parts of the node may rely on it.
     */
    public synchronized void cleanup() throws IOException {
        checkOpen();
        try {
            cleanup(kernel, config);
            attachments.clear();
        } finally {
            close();
        }
    }

    /**
     * Removes everything a gwbridge with {@code config} made in namespace {@code node},
     * without starting one: for {@code agent --cleanup} when no gwbridge runs, and after a
     * configuration was refused.
     */
    public static void cleanup(Netns node, GwBridgeConfig config) throws IOException {
        try (GwBridgeKernel kernel = DefaultGwBridgeKernel.open(node)) {
            cleanup(kernel, config);
        }
    }

    /** {@link #cleanup(Netns, GwBridgeConfig)} on {@code kernel}, which stays open. */
    public static void cleanup(GwBridgeKernel kernel, GwBridgeConfig config) throws IOException {
        for (Link link : kernel.links()) {
            if (Naming.isPort(link.name()) && link.kind().equals("veth")) {
                kernel.deleteLink(link.name());
            }
        }
        Optional<Link> bridge = kernel.link(config.bridgeName());
        if (bridge.isPresent() && bridge.get().kind().equals("bridge")) {
            kernel.deleteLink(config.bridgeName());
        }
        kernel.deleteTable(GwBridgeTable.FAMILY, GwBridgeTable.NAME);
        GwBridgeStateFile.delete(config.stateFile());
        LOG.info("gwbridge: removed bridge {}, its ports, table {} {} and {}", config.bridgeName(),
                GwBridgeTable.FAMILY, GwBridgeTable.NAME, config.stateFile());
    }

    private void save() throws IOException {
        GwBridgeStateFile.save(config.stateFile(), config, attachments.values());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("gwbridge " + config.bridgeName() + " is closed");
        }
    }

    /** Closes the kernel sockets; the bridge, ports and rules stay and keep forwarding. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        kernel.close();
    }
}
