package io.swarmnet.node.overlay;

import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.LocalNetwork;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.watch.ClusterWatcher;
import io.swarmnet.gwbridge.GwBridge;
import io.swarmnet.gwbridge.GwBridgeAttachment;
import io.swarmnet.gwbridge.GwBridgeConfig;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.dns.TaskResolvers;
import io.swarmnet.node.inspect.CaptureControl;
import io.swarmnet.node.mesh.DefaultMeshKernel;
import io.swarmnet.node.mesh.RoutingMesh;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.sys.Netns;
import io.swarmnet.sys.Rtnetlink;
import io.swarmnet.sys.Sysctl;
import io.swarmnet.vxlan.fdb.OverlayTables;
import io.swarmnet.vxlan.port.TapPort;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's overlay data plane as the agent runs it: the bound {@link Vtep}, the
 * {@link GwBridge}, the task attachments behind {@code POST /v1/tasks/attach}, and the
 * reconciler that republishes the VTEP's tables whenever the cluster view, the desired
 * tables or the attachments change.
 *
 * <p>Every change to attachments and tables happens under this object's lock, so the API
 * and the reconciler thread never interleave; the packet path never takes it (the VTEP
 * reads its tables through one volatile reference).
 */
public final class OverlayDataPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OverlayDataPlane.class);
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /** The gwbridge interface, where Docker puts it: after the first overlay. */
    private static final String GW_INTERFACE = GwBridge.TASK_LINK;
    private static final String GWBRIDGE_DIR = "gwbridge";

    private final String nodeId;
    private final Vtep vtep;
    private final Netns nodeNetns;
    private final GwBridge gw;
    private final ClusterWatcher watcher;
    private final DesiredTablesPublisher publisher;
    private final Store store;
    private final int underlayMtu;
    private final AttachmentStateFile stateFile;
    private final Duration attachWait;
    private final TaskResolvers resolvers;
    private final AtomicLong version = new AtomicLong();
    private final ExecutorService reconciler;
    private final CaptureControl capture;
    private final AtomicBoolean reconcilePending = new AtomicBoolean();
    private final RoutingMesh mesh;
    // Guarded by this.
    private final Map<String, Attachment> attached = new LinkedHashMap<>();
    private List<AttachmentStateFile.Entry> toRestore;
    private boolean closed;
    /** Network names by VNI, for metric labels; grows only, as the VTEP's counters do. */
    private volatile Map<Integer, String> networkNames = Map.of();

    private OverlayDataPlane(String nodeId, Vtep vtep, Netns nodeNetns, GwBridge gw, ClusterWatcher watcher,
                             DesiredTablesPublisher publisher, Store store, int underlayMtu,
                             AttachmentStateFile stateFile, List<AttachmentStateFile.Entry> toRestore,
                             Duration attachWait, TaskResolvers resolvers) {
        this.nodeId = nodeId;
        this.vtep = vtep;
        this.nodeNetns = nodeNetns;
        this.gw = gw;
        this.watcher = watcher;
        this.publisher = publisher;
        this.store = store;
        this.underlayMtu = underlayMtu;
        this.stateFile = stateFile;
        this.toRestore = toRestore;
        this.attachWait = attachWait;
        // Ingress ports DNAT to the service VIP: the VTEP's load balancer picks the task, as for internal traffic.
        this.mesh = new RoutingMesh(nodeId, new DefaultMeshKernel(vtep), store, true, underlayMtu - OverlayTablesMapper.VXLAN_OVERHEAD);
        this.resolvers = resolvers;
        this.reconciler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "swarmnet-overlay-reconciler");
            t.setDaemon(true);
            return t;
        });
        this.capture = new CaptureControl(vtep, this::networkNames);
    }

    /**
     * Starts the gwbridge (pruning ports of tasks the state file does not name) and takes
     * over a bound {@code vtep}; the tasks of the state file are re-attached or pruned at
     * the first cluster view. Call {@link #onViewUpdate()} for every watcher update, after
     * the publisher has rebuilt its tables from it, from before the watcher starts.
     *
     * @param dataDir   where the attachment state and the gwbridge state live
     * @param resolvers the embedded DNS server, opened in every attached task; the plane closes it
     */
    public static OverlayDataPlane start(String nodeId, Vtep vtep, int underlayMtu, String gwbridgePool,
                                         Path dataDir, ClusterWatcher watcher, DesiredTablesPublisher publisher,
                                         Store store, Duration attachWait, TaskResolvers resolvers) throws IOException {
        Files.createDirectories(dataDir);
        AttachmentStateFile stateFile = new AttachmentStateFile(dataDir.resolve("attachments.json"));
        List<AttachmentStateFile.Entry> saved = stateFile.load();
        Path gwDir = Files.createDirectories(dataDir.resolve(GWBRIDGE_DIR));
        Set<String> wanted = new java.util.HashSet<>();
        saved.forEach(e -> wanted.add(e.taskId()));
        // WARNING: the gwbridge works on this handle until it is closed (forwarding is set
        // inside it on every reconcile); it is closed after the gwbridge, in stop().
        Netns self = Netns.current();
        GwBridge gw;
        try {
            gw = GwBridge.start(self, GwBridgeConfig.parse(gwbridgePool, null, gwDir), wanted);
        } catch (IOException | RuntimeException e) {
            self.close();
            throw e;
        }
        return new OverlayDataPlane(nodeId, vtep, self, gw, watcher, publisher, store, underlayMtu, stateFile,
                new ArrayList<>(saved), attachWait, resolvers);
    }

    /** Asks for a reconcile soon, on the reconciler thread; calls arriving meanwhile make one. */
    public void onViewUpdate() {
        if (reconcilePending.compareAndSet(false, true)) {
            try {
                reconciler.execute(() -> {
                    reconcilePending.set(false);
                    try {
                        reconcile();
                    } catch (RuntimeException e) {
                        LOG.error("overlay reconcile failed; the VTEP keeps its last tables", e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                reconcilePending.set(false);
            }
        }
    }

    public Vtep vtep() {
        return vtep;
    }

    /** The embedded DNS server of the attached tasks. */
    public TaskResolvers resolvers() {
        return resolvers;
    }

    /** The node's packet capture ({@code swarmnet capture}). */
    public CaptureControl capture() {
        return capture;
    }

    public int underlayMtu() {
        return underlayMtu;
    }

    /** The name of network {@code id} in the current cluster view, or the id itself when the view lacks it. */
    public String networkName(String id) {
        return watcher.view().network(id).map(n -> n.name()).orElse(id);
    }

    /** Network names by VNI of every network served so far, for metric labels. */
    public Map<Integer, String> networkNames() {
        return networkNames;
    }

    /** The number of tasks attached on this node. */
    public synchronized int attachedTasks() {
        return attached.size();
    }

    /**
     * Attaches task {@code taskId} in the namespace at {@code netnsPath}; see the API
     * contract in {@code docs}: one TAP per overlay network (eth0, eth2, ...), the gwbridge
     * as eth1 unless every network is internal. Attaching again returns the same answer.
     *
     * @throws ApiException 400 for a malformed id or a missing namespace, 404 for an unknown
     *                      task, 409 for a task on another node, 503 without a store
     */
    public Map<String, Object> attach(String taskId, String netnsPath) throws IOException, InterruptedException {
        checkTaskId(taskId);
        if (netnsPath == null || netnsPath.isEmpty() || !netnsPath.startsWith("/")) {
            throw ApiException.badRequest("netns must be the absolute path of a network namespace, e.g. /run/netns/NAME");
        }
        Path netns = Path.of(netnsPath);
        if (!Files.exists(netns)) {
            throw ApiException.badRequest("netns " + netnsPath + " does not exist");
        }
        Task task = awaitTask(taskId);
        if (!task.nodeId().equals(nodeId)) {
            ClusterView view = watcher.view();
            String other = view.node(task.nodeId()).map(Node::hostname).orElse(task.nodeId());
            throw ApiException.conflict("task " + taskId + " runs on node " + other + ", not on this one");
        }
        synchronized (this) {
            checkOpen();
            Attachment existing = attached.get(taskId);
            if (existing != null && existing.netns().equals(netns) && realised(existing)) {
                return existing.toJson(false);
            }
            if (existing != null) {
                detachLocked(existing);
            }
            Attachment attachment = plumb(task, watcher.view(), netns);
            attached.put(taskId, attachment);
            save();
            publishLocked();
            LOG.info("attached task {} ({}) in {}: {}", taskId, attachment.name(), netns, attachment.interfaces());
            return attachment.toJson(false);
        }
    }

    /** Detaches {@code taskId}; returns whether it was attached. Detaching an absent task is no error. */
    public Map<String, Object> detach(String taskId) throws IOException {
        checkTaskId(taskId);
        boolean detached;
        synchronized (this) {
            checkOpen();
            Attachment a = attached.get(taskId);
            detached = a != null;
            if (a != null) {
                detachLocked(a);
                save();
                publishLocked();
                LOG.info("detached task {} ({})", taskId, a.name());
            } else if (gw.attachment(taskId).isPresent()) {
                // A gwbridge port without an attachment: left by an attach the agent did not finish.
                gw.detach(taskId);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("taskId", taskId);
        answer.put("detached", detached);
        return answer;
    }

    /** Every attached task, in attach order. */
    public synchronized List<Map<String, Object>> list() {
        List<Map<String, Object>> tasks = new ArrayList<>();
        attached.values().forEach(a -> tasks.add(a.toJson(true)));
        return tasks;
    }

    /**
     * Brings the data plane in line with the cluster: restores the state file's tasks at
     * the first view, detaches tasks that left this node or whose namespace is gone, and
     * publishes fresh tables.
     */
    public synchronized void reconcile() {
        if (closed) {
            return;
        }
        ClusterView view = watcher.view();
        if (view.revision() > 0) {
            if (toRestore != null) {
                restore(view);
            }
            for (Attachment a : List.copyOf(attached.values())) {
                Optional<Task> task = view.task(a.taskId());
                String why = task.isEmpty() ? "the task is gone"
                        : !task.get().nodeId().equals(nodeId) ? "the task moved to another node"
                        : !Files.exists(a.netns()) ? "its namespace " + a.netns() + " is gone" : null;
                if (why != null) {
                    LOG.info("detaching task {} ({}): {}", a.taskId(), a.name(), why);
                    try {
                        detachLocked(a);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("detaching task {} failed: {}", a.taskId(), e.toString());
                    }
                    save();
                }
            }
        }
        publishLocked();
    }

    /** Re-attaches what the last run left, where task and namespace still are; prunes the rest. */
    private void restore(ClusterView view) {
        List<AttachmentStateFile.Entry> entries = toRestore;
        toRestore = null;
        for (AttachmentStateFile.Entry e : entries) {
            Optional<Task> task = view.task(e.taskId());
            Path netns = Path.of(e.netns());
            if (task.isEmpty() || !task.get().nodeId().equals(nodeId) || !Files.exists(netns)) {
                LOG.info("pruning task {} left by the last run: {}", e.taskId(),
                        task.isEmpty() ? "the task is gone" : !Files.exists(netns) ? "its namespace is gone" : "it moved");
                continue;
            }
            try {
                Attachment a = plumb(task.get(), view, netns);
                attached.put(e.taskId(), a);
                LOG.info("re-attached task {} ({}) in {}", e.taskId(), a.name(), netns);
            } catch (IOException | RuntimeException ex) {
                LOG.warn("cannot re-attach task {} in {}: {}", e.taskId(), netns, ex.toString());
            }
        }
        try {
            gw.reconcile(Set.copyOf(attached.keySet()));
        } catch (IOException | RuntimeException ex) {
            LOG.warn("gwbridge prune failed: {}", ex.toString());
        }
        save();
    }

    private void publishLocked() {
        ClusterView view = watcher.view();
        var desired = publisher.current();
        // First, so the ingress endpoint it may open is among the ports published below.
        Map<String, Integer> gwAddresses = new HashMap<>();
        attached.values().stream().filter(a -> a.gw() != null).forEach(a -> gwAddresses.put(a.taskId(), a.gw().address()));
        mesh.reconcile(view, desired, gwAddresses);
        List<Integer> peers = new ArrayList<>();
        for (Node node : view.nodes().values()) {
            if (!node.id().equals(nodeId) && view.isReady(node.id())) {
                try {
                    peers.add(Ipv4Address.parse(node.advertiseAddr()));
                } catch (IllegalArgumentException notIpv4) {
                    // An IPv6 underlay cannot carry this VTEP's VXLAN; the node is no peer.
                }
            }
        }
        List<LocalPort> ports = new ArrayList<>();
        attached.values().forEach(a -> a.interfaces().forEach(i -> ports.add(new LocalPort(i.vni(), i.mac(), i.port().id()))));
        ports.addAll(mesh.localPorts());
        OverlayTables tables = OverlayTablesMapper.map(version.incrementAndGet(), desired, peers, underlayMtu, ports);
        vtep.publish(tables);
        vtep.publish(ServiceTableMapper.map(tables.version(), desired, ports, vtep.loadBalancer().table()));
        resolvers.publish(desired.dns());
        Map<Integer, String> names = new HashMap<>(networkNames);
        boolean grew = false;
        for (LocalNetwork n : desired.networks().entries().values()) {
            grew |= !n.name().equals(names.put(n.vni(), n.name()));
        }
        if (grew) {
            networkNames = Map.copyOf(names);
        }
    }

    /** Creates the task's interfaces; on failure removes what it made and rethrows. */
    private Attachment plumb(Task task, ClusterView view, Path netnsPath) throws IOException {
        String name = taskName(task, view);
        List<Interface> done = new ArrayList<>();
        GwBridgeAttachment gwAttachment = null;
        boolean success = false;
        try (Netns netns = Netns.open(netnsPath);
             Rtnetlink host = Rtnetlink.open();
             Rtnetlink inTask = Rtnetlink.open(netns)) {
            // Docker's default for containers without IPv6: no router solicitations or
            // MLD reports for the overlay to drop as floods.
            netns.call(() -> {
                disableIpv6();
                return null;
            });
            inTask.setLinkUp("lo");
            boolean egress = false;
            int index = 0;
            for (TaskEndpoint endpoint : task.endpoints()) {
                Network network = view.network(endpoint.networkId()).orElseThrow(() -> new IllegalStateException(
                        "network " + endpoint.networkId() + " of task " + task.id() + " is not in the cluster view"));
                egress |= !network.internal();
                String ifname = index == 0 ? "eth0" : "eth" + (index + 1);
                index++;
                int mtu = network.mtu() > 0 ? network.mtu() : underlayMtu - OverlayTablesMapper.VXLAN_OVERHEAD;
                int ip = Ipv4Address.parse(endpoint.ip());
                int prefix = Ipv4Subnet.parse(network.subnet()).prefixLength();
                long mac = MacAddress.parse(endpoint.mac());
                String tapName = tapName(task.id(), network.vni());
                // A queue per event loop of the VTEP; it closes them all if it cannot attach them.
                TapPort port = vtep.attachQueues(TapPort.openTapQueues(tapName, true, vtep.loops()), network.vni());
                done.add(new Interface(ifname, network.id(), network.name(), network.vni(), ip, prefix, mac, mtu, port));
                // The TAP is made in the agent's namespace (its descriptor must be opened
                // there) and handed to the task's, where it gets its final name.
                host.moveToNetns(tapName, netns);
                inTask.rename(tapName, ifname);
                inTask.setMac(ifname, mac);
                inTask.setMtu(ifname, mtu);
                inTask.addAddress(ifname, ip, prefix);
                inTask.setLinkUp(ifname);
            }
            resolvers.open(task.id(), netns, task.endpoints().stream().map(TaskEndpoint::networkId).toList());
            if (egress) {
                gwAttachment = gw.attach(netns, task.id());
            }
            success = true;
            return new Attachment(task.id(), name, netnsPath, List.copyOf(done), gwAttachment);
        } finally {
            if (!success) {
                resolvers.close(task.id());
                for (Interface i : done) {
                    try {
                        vtep.detach(i.port());
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("undoing the attach of {}: {}", task.id(), e.toString());
                    }
                }
            }
        }
    }

    private static void disableIpv6() {
        for (String key : List.of("net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6")) {
            try {
                Sysctl.write(key, "1");
            } catch (IOException noIpv6) {
                // A kernel without IPv6 has nothing to turn off.
            }
        }
    }

    private void detachLocked(Attachment a) throws IOException {
        attached.remove(a.taskId());
        resolvers.close(a.taskId());
        IOException failure = null;
        for (Interface i : a.interfaces()) {
            try {
                // Closing the TAP removes its interface from the task's namespace.
                vtep.detach(i.port());
            } catch (IOException e) {
                failure = e;
            }
        }
        if (a.gw() != null || gw.attachment(a.taskId()).isPresent()) {
            gw.detach(a.taskId());
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whether every interface of {@code a} is still in its namespace (a namespace re-created under the same path has none). */
    private static boolean realised(Attachment a) {
        if (!Files.exists(a.netns())) {
            return false;
        }
        try (Netns netns = Netns.open(a.netns()); Rtnetlink rt = Rtnetlink.open(netns)) {
            for (Interface i : a.interfaces()) {
                if (rt.link(i.name()).filter(l -> l.mac() == i.mac()).isEmpty()) {
                    return false;
                }
            }
            return a.gw() == null || rt.link(GW_INTERFACE).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private Task awaitTask(String taskId) throws InterruptedException {
        Optional<Task> task = watcher.view().task(taskId);
        if (task.isPresent()) {
            return task.get();
        }
        // The CLI may have just created it: wait for the view to reach its write.
        Optional<KeyValue> record;
        try {
            record = store.get(Keys.task(taskId));
        } catch (StoreException e) {
            throw new ApiException(503, "task " + taskId + " is not in this node's view and the store did not answer: "
                    + e.getMessage());
        }
        if (record.isEmpty()) {
            throw ApiException.notFound("no task " + taskId);
        }
        if (!watcher.awaitRevision(record.get().modRevision(), attachWait)) {
            throw new ApiException(503, "task " + taskId + " exists but this node's view did not reach revision "
                    + record.get().modRevision() + " within " + attachWait.toSeconds() + "s");
        }
        return watcher.view().task(taskId).orElseThrow(() -> ApiException.notFound("no task " + taskId));
    }

    private static String taskName(Task task, ClusterView view) {
        String service = view.service(task.serviceId()).map(Service::name).orElse(task.serviceId());
        String slot = task.slot() > 0 ? Integer.toString(task.slot())
                : view.node(task.nodeId()).map(Node::hostname).orElse(task.nodeId());
        return service + "." + slot;
    }

    /** A TAP name unique per task and network, at most 15 characters, that never clashes with eth*. */
    static String tapName(String taskId, int vni) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((taskId + "/" + vni).getBytes(StandardCharsets.UTF_8));
            return "snt" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void checkTaskId(String taskId) {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw ApiException.badRequest("taskId must be 1 to 128 of [A-Za-z0-9_.-], e.g. a 25-character task id");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ApiException(503, "the agent is stopping");
        }
    }

    private void save() {
        List<AttachmentStateFile.Entry> entries = new ArrayList<>();
        attached.values().forEach(a -> entries.add(new AttachmentStateFile.Entry(a.taskId(), a.netns().toString())));
        if (toRestore != null) {
            entries.addAll(toRestore);
        }
        try {
            stateFile.save(entries);
        } catch (IOException e) {
            LOG.error("cannot save the attachment state to {}: {}", stateFile.path(), e.toString());
        }
    }

    /**
     * Stops reconciling and closes the VTEP (its TAPs, so the tasks' overlay interfaces go);
     * the state file and the gwbridge stay, so a restarted agent re-attaches the same tasks.
     */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops like {@link #close()}, then removes everything the data plane made on the node
     * ({@code agent --cleanup}): the gwbridge with its ports and table, the attachment
     * state and the data directory when nothing else is in it. The VTEP's TAPs and socket
     * go with the VTEP.
     */
    public void cleanup() {
        stop(true);
    }

    private void stop(boolean cleanup) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        reconciler.shutdownNow();
        try {
            reconciler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mesh.close();
        try {
            capture.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            vtep.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the VTEP: {}", e.toString());
        }
        try {
            if (cleanup) {
                gw.cleanup();
                removeState();
            } else {
                gw.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} the gwbridge: {}", cleanup ? "removing" : "closing", e.toString());
        }
        resolvers.close();
        try {
            nodeNetns.close();
        } catch (IOException e) {
            LOG.warn("closing the node's namespace handle: {}", e.toString());
        }
    }

    private void removeState() throws IOException {
        Path dir = stateFile.path().getParent();
        Files.deleteIfExists(stateFile.path());
        for (Path d : List.of(dir.resolve(GWBRIDGE_DIR), dir)) {
            try {
                Files.deleteIfExists(d);
            } catch (java.nio.file.DirectoryNotEmptyException someoneElses) {
                LOG.info("kept {}: it holds files the agent did not make", d);
            }
        }
        LOG.info("removed the data-plane state under {}", dir);
    }

    /**
     * The VTEP's local ports, one row per task interface: for {@code swarmnet dp show ports}
     * and to name the port behind a forwarding entry.
     */
    public synchronized List<Map<String, Object>> ports() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Attachment a : attached.values()) {
            for (Interface i : a.interfaces()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("port", i.port().id());
                row.put("task", a.name());
                row.put("interface", i.name());
                row.put("network", i.network());
                row.put("vni", i.vni());
                row.put("mac", MacAddress.toString(i.mac()));
                row.put("ip", Ipv4Address.toString(i.ip()));
                row.put("mtu", i.mtu());
                row.put("netns", a.netns().toString());
                rows.add(row);
            }
        }
        rows.sort(java.util.Comparator.comparingInt(r -> (Integer) r.get("port")));
        return rows;
    }

    /** One overlay interface of an attached task. */
    record Interface(String name, String networkId, String network, int vni, int ip, int prefixLength, long mac,
                     int mtu, TapPort port) {

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("interface", name);
            m.put("networkId", networkId);
            m.put("network", network);
            m.put("vni", vni);
            m.put("ip", Ipv4Address.toString(ip));
            m.put("prefixLength", prefixLength);
            m.put("mac", MacAddress.toString(mac));
            m.put("mtu", mtu);
            return m;
        }

        @Override
        public String toString() {
            return name + "=" + network + "(vni " + vni + ", " + Ipv4Address.toString(ip) + "/" + prefixLength + ", mtu " + mtu + ")";
        }
    }

    /** An attached task: its overlay interfaces and its gwbridge port, null on internal networks only. */
    record Attachment(String taskId, String name, Path netns, List<Interface> interfaces, GwBridgeAttachment gw) {

        Map<String, Object> toJson(boolean withNetns) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskId", taskId);
            m.put("name", name);
            if (withNetns) {
                m.put("netns", netns.toString());
            }
            List<Map<String, Object>> ifaces = new ArrayList<>();
            interfaces.forEach(i -> ifaces.add(i.toJson()));
            if (gw != null) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("interface", GW_INTERFACE);
                g.put("network", GwBridgeConfig.DEFAULT_BRIDGE);
                g.put("ip", Ipv4Address.toString(gw.address()));
                g.put("prefixLength", gw.prefixLength());
                g.put("mac", MacAddress.toString(gw.mac()));
                g.put("gateway", Ipv4Address.toString(gw.gateway()));
                // Docker's order: the gwbridge is eth1, after the first overlay.
                ifaces.add(Math.min(1, ifaces.size()), g);
            }
            m.put("interfaces", ifaces);
            return m;
        }
    }
}
