package io.swarmnet.node.overlay;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.watch.ClusterWatcher;
import io.swarmnet.gwbridge.GwBridge;
import io.swarmnet.gwbridge.GwBridgeConfig;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.dns.TaskResolvers;
import io.swarmnet.node.inspect.CaptureControl;
import io.swarmnet.node.mesh.DefaultMeshKernel;
import io.swarmnet.node.mesh.RoutingMesh;
import io.swarmnet.node.reconcile.Attachment;
import io.swarmnet.node.reconcile.AttachmentPlan;
import io.swarmnet.node.reconcile.AttachmentPlanner;
import io.swarmnet.node.reconcile.AttachmentStateFile;
import io.swarmnet.node.reconcile.Backoff;
import io.swarmnet.node.reconcile.DataPlaneReconciler;
import io.swarmnet.node.reconcile.DataPlaneTargets;
import io.swarmnet.node.reconcile.DefaultReconcileScheduler;
import io.swarmnet.node.reconcile.InterfacePlan;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.sys.Netns;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's overlay data plane as the agent runs it: the bound {@link Vtep}, the
 * {@link GwBridge}, the routing mesh, the embedded DNS server, and the
 * {@link DataPlaneReconciler} that keeps them in line with the cluster; plus the task
 * attachments behind {@code POST /v1/tasks/attach}, which it validates and hands to the
 * reconciler. The packet path never takes a lock of this class.
 */
public final class OverlayDataPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OverlayDataPlane.class);
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final String GWBRIDGE_DIR = "gwbridge";

    private final String nodeId;
    private final Vtep vtep;
    private final Netns nodeNetns;
    private final GwBridge gw;
    private final ClusterWatcher watcher;
    private final Store store;
    private final int underlayMtu;
    private final Path stateFile;
    private final Duration attachWait;
    private final TaskResolvers resolvers;
    private final CaptureControl capture;
    private final RoutingMesh mesh;
    private final DataPlaneReconciler reconciler;
    // Guarded by this.
    private boolean closed;

    private OverlayDataPlane(String nodeId, Vtep vtep, Netns nodeNetns, GwBridge gw, ClusterWatcher watcher,
                             DesiredTablesPublisher publisher, Store store, int underlayMtu,
                             AttachmentStateFile stateFile, List<AttachmentStateFile.Entry> leftovers,
                             Duration attachWait, TaskResolvers resolvers) {
        this.nodeId = nodeId;
        this.vtep = vtep;
        this.nodeNetns = nodeNetns;
        this.gw = gw;
        this.watcher = watcher;
        this.store = store;
        this.underlayMtu = underlayMtu;
        this.stateFile = stateFile.path();
        this.attachWait = attachWait;
        // Ingress ports DNAT to the service VIP: the VTEP's load balancer picks the task, as for internal traffic.
        this.mesh = new RoutingMesh(nodeId, new DefaultMeshKernel(vtep), store, true, underlayMtu - OverlayTablesMapper.VXLAN_OVERHEAD);
        this.resolvers = resolvers;
        this.reconciler = new DataPlaneReconciler(nodeId, publisher, DataPlaneTargets.of(vtep, mesh, resolvers, gw),
                stateFile, leftovers, new DefaultReconcileScheduler("swarmnet-overlay-reconciler"),
                new Backoff(Backoff.INITIAL, Backoff.MAX), underlayMtu);
        this.capture = new CaptureControl(vtep, this::networkNames);
    }

    /**
     * Starts the gwbridge (pruning ports of tasks the state file does not name) and takes
     * over a bound {@code vtep}; the tasks of the state file are re-attached or pruned at
     * the first cluster view. Add {@link #viewListener()} to the watcher before it starts.
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
        Set<String> wanted = new HashSet<>();
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
                saved, attachWait, resolvers);
    }

    /**
     * The watcher's listener for this data plane: it rebuilds the desired tables from each
     * update, then reconciles, in that order.
     */
    public ClusterViewListener viewListener() {
        return reconciler;
    }

    /** The reconciler, for its metrics. */
    public DataPlaneReconciler reconciler() {
        return reconciler;
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
        return reconciler.networkNames();
    }

    /** The number of tasks attached on this node. */
    public int attachedTasks() {
        return reconciler.attachedTasks();
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
        ClusterView view = watcher.view();
        if (!task.nodeId().equals(nodeId)) {
            String other = view.node(task.nodeId()).map(Node::hostname).orElse(task.nodeId());
            throw ApiException.conflict("task " + taskId + " runs on node " + other + ", not on this one");
        }
        checkOpen();
        AttachmentPlan plan = AttachmentPlanner.plan(task, view, netns, underlayMtu);
        return reconciler.attach(plan).toJson(false);
    }

    /** Detaches {@code taskId}; returns whether it was attached. Detaching an absent task is no error. */
    public Map<String, Object> detach(String taskId) throws IOException {
        checkTaskId(taskId);
        checkOpen();
        boolean detached = reconciler.detach(taskId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("taskId", taskId);
        answer.put("detached", detached);
        return answer;
    }

    /** Every attached task, in attach order. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> tasks = new ArrayList<>();
        reconciler.attachments().forEach(a -> tasks.add(a.toJson(true)));
        return tasks;
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

    private static void checkTaskId(String taskId) {
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw ApiException.badRequest("taskId must be 1 to 128 of [A-Za-z0-9_.-], e.g. a 25-character task id");
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new ApiException(503, "the agent is stopping");
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
        reconciler.close();
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
        Path dir = stateFile.getParent();
        Files.deleteIfExists(stateFile);
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
    public List<Map<String, Object>> ports() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Attachment a : reconciler.attachments()) {
            for (Attachment.Port p : a.interfaces()) {
                InterfacePlan i = p.plan();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("port", p.portId());
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
}
