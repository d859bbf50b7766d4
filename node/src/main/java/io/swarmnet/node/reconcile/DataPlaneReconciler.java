package io.swarmnet.node.reconcile;

import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.LocalNetwork;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.view.ViewUpdate;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.node.overlay.OverlayTablesMapper;
import io.swarmnet.node.overlay.ServiceTableMapper;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's data plane in line with the cluster: on every view update it rebuilds
 * the desired tables, then runs a pass that computes what each {@link TargetName target}
 * must hold and applies it. A target whose apply failed is out of sync, and the pass is
 * run again after a {@link Backoff}, not only at the next view update.
 *
 * <p>A pass is three named steps: {@link #restore} (once the first view has come, until
 * done: the tasks the last run left in the {@link AttachmentStateFile} are adopted where
 * still realised, re-plumbed where not, and forgotten where the view no longer wants them,
 * with the gwbridge pruned to the tasks kept), {@link #prune} (detach tasks that left the
 * node or whose namespace is gone) and {@link #publish} (the mesh, then the VTEP's tables
 * built with the ports the tasks and the mesh hold, the service table, the DNS records).
 *
 * <p>Why it listens to the view and not to the publisher's {@code DesiredTablesListener}:
 * a pass also depends on what the tables do not hold (which nodes are ready peers, whether
 * a task's namespace still exists) and the publisher calls its listeners only when a table
 * changed. So the order lives here: {@link #onUpdate} rebuilds the tables, then asks for a
 * pass, and the watcher has this one listener.
 *
 * <p>Every change to attachments and targets happens under this object's lock, so the API
 * and the passes never interleave; the packet path never takes it.
 */
public final class DataPlaneReconciler implements ClusterViewListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneReconciler.class);

    private final String nodeId;
    private final DesiredTablesPublisher publisher;
    private final DataPlaneTargets targets;
    private final AttachmentStateFile stateFile;
    private final ReconcileScheduler scheduler;
    private final int underlayMtu;
    private final AtomicBoolean passPending = new AtomicBoolean();
    private final Map<TargetName, AtomicLong> failures = new EnumMap<>(TargetName.class);
    private volatile ClusterView view = ClusterView.EMPTY;
    /** Network names by VNI, for metric labels; grows only, as the VTEP's counters do. */
    private volatile Map<Integer, String> networkNames = Map.of();
    private volatile Set<TargetName> outOfSyncView = Set.of();
    // Guarded by this.
    private final Backoff backoff;
    private final Set<TargetName> outOfSync = EnumSet.noneOf(TargetName.class);
    /** The failure last logged per target, so a lasting one is logged once. */
    private final Map<TargetName, String> lastFailure = new EnumMap<>(TargetName.class);
    private final Map<String, Attachment> attached = new LinkedHashMap<>();
    /** Attachments pruned whose removal failed, tried again at each pass. */
    private final Map<String, Attachment> detaching = new LinkedHashMap<>();
    /** What the last run left and is not restored yet; null once every entry is settled. */
    private List<AttachmentStateFile.Entry> toRestore;
    private ServiceTable services = ServiceTable.EMPTY;
    private long version;
    private long retryToken;
    private long lastToken;
    private boolean closed;

    /**
     * @param leftovers what the state file held when the agent started, restored at the first view
     * @param scheduler where passes and retries run; the reconciler closes it
     * @param underlayMtu the MTU of the interface holding the advertise address
     */
    public DataPlaneReconciler(String nodeId, DesiredTablesPublisher publisher, DataPlaneTargets targets,
                               AttachmentStateFile stateFile, List<AttachmentStateFile.Entry> leftovers,
                               ReconcileScheduler scheduler, Backoff backoff, int underlayMtu) {
        this.nodeId = nodeId;
        this.publisher = publisher;
        this.targets = targets;
        this.stateFile = stateFile;
        this.toRestore = new ArrayList<>(leftovers);
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.underlayMtu = underlayMtu;
        for (TargetName name : TargetName.values()) {
            failures.put(name, new AtomicLong());
        }
    }

    /** Rebuilds the desired tables from {@code update}, then asks for a pass; the watcher's one listener. */
    @Override
    public void onUpdate(ViewUpdate update) {
        view = update.current();
        publisher.onUpdate(update);
        requestPass();
    }

    /** Asks for a pass soon, on the scheduler; requests arriving meanwhile make one pass. */
    public void requestPass() {
        if (passPending.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                passPending.set(false);
                runPass();
            }, Duration.ZERO);
        }
    }

    private void runPass() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.error("data-plane reconcile failed; the data plane keeps its last state", e);
        }
    }

    /** Runs one pass now: restore, prune, publish; schedules a retry if a target is left out of sync. */
    public synchronized void reconcile() {
        if (closed) {
            return;
        }
        ClusterView v = view;
        boolean restored = false;
        if (v.revision() > 0) {
            if (toRestore != null) {
                restore(v);
                restored = true;
            }
            prune(v);
        }
        if (!restored && outOfSync.contains(TargetName.GWBRIDGE)) {
            pruneGwBridge();
        }
        publish(v, publisher.current());
        settlePass();
    }

    /**
     * Restore after a restart: each task the last run left is adopted as it is realised,
     * re-plumbed where it is not, or dropped where the view no longer wants it here; then
     * the gwbridge keeps the ports of those tasks only. An entry that fails stays for the
     * next pass.
     */
    private void restore(ClusterView v) {
        List<AttachmentStateFile.Entry> left = new ArrayList<>();
        boolean ok = true;
        for (AttachmentStateFile.Entry e : toRestore) {
            Path netns = Path.of(e.netns());
            Optional<String> why = AttachmentPlanner.unwanted(e.taskId(), netns, targets.tasks().exists(netns), v, nodeId);
            if (why.isPresent()) {
                LOG.info("pruning task {} left by the last run: {}", e.taskId(), why.get());
                continue;
            }
            if (attached.containsKey(e.taskId())) {
                // Attached again through the API before the first view came: that attach wins.
                continue;
            }
            boolean done = attempt(TargetName.TASKS, () -> {
                AttachmentPlan plan = AttachmentPlanner.plan(v.task(e.taskId()).orElseThrow(), v, netns, underlayMtu);
                Optional<Attachment> adopted = targets.tasks().adopt(plan);
                Attachment a = adopted.isPresent() ? adopted.get() : targets.tasks().plumb(plan);
                attached.put(e.taskId(), a);
                LOG.info("{} task {} ({}) in {}", adopted.isPresent() ? "adopted" : "re-attached", e.taskId(), a.name(), netns);
            });
            if (!done) {
                left.add(e);
                ok = false;
            }
        }
        toRestore = left.isEmpty() ? null : left;
        settle(TargetName.TASKS, ok);
        pruneGwBridge();
        save();
    }

    /** The gwbridge keeps the ports of the tasks attached or still to restore, and drops the rest. */
    private void pruneGwBridge() {
        Set<String> wanted = new HashSet<>(attached.keySet());
        if (toRestore != null) {
            toRestore.forEach(e -> wanted.add(e.taskId()));
        }
        settle(TargetName.GWBRIDGE, attempt(TargetName.GWBRIDGE, () -> targets.gwbridge().apply(Set.copyOf(wanted))));
    }

    /**
     * Prune: detaches the tasks that left this node, are gone, or whose namespace is gone.
     * A detach that fails is tried again at the next pass; the task's ports are no longer
     * published meanwhile.
     */
    private void prune(ClusterView v) {
        boolean changed = false;
        for (Attachment a : List.copyOf(attached.values())) {
            Optional<String> why = AttachmentPlanner.unwanted(a.taskId(), a.netns(), targets.tasks().exists(a.netns()), v, nodeId);
            if (why.isPresent()) {
                LOG.info("detaching task {} ({}): {}", a.taskId(), a.name(), why.get());
                attached.remove(a.taskId());
                detaching.put(a.taskId(), a);
                changed = true;
            }
        }
        for (Attachment a : List.copyOf(detaching.values())) {
            if (attempt(TargetName.TASKS, () -> targets.tasks().unplumb(a))) {
                detaching.remove(a.taskId());
            }
        }
        settle(TargetName.TASKS, toRestore == null && detaching.isEmpty());
        if (changed) {
            save();
        }
    }

    /**
     * Publish: the mesh first (the ingress endpoint it may open is among the ports), then
     * the VTEP's tables and the service table, both built with every port attached here,
     * then the DNS records.
     */
    private void publish(ClusterView v, DesiredTables desired) {
        Map<String, Integer> gwAddresses = new HashMap<>();
        attached.values().stream().filter(a -> a.gw() != null).forEach(a -> gwAddresses.put(a.taskId(), a.gw().address()));
        apply(TargetName.MESH, targets.mesh(), new MeshInput(v, desired, gwAddresses));
        List<LocalPort> ports = new ArrayList<>();
        attached.values().forEach(a -> ports.addAll(a.localPorts()));
        ports.addAll(targets.meshPorts().get());
        OverlayTables tables = OverlayTablesMapper.map(++version, desired, OverlayTablesMapper.peers(v, nodeId),
                underlayMtu, ports);
        apply(TargetName.OVERLAY, targets.overlay(), tables);
        // Built on the last table applied, so the backends' counters carry over.
        ServiceTable table = ServiceTableMapper.map(tables.version(), desired, ports, services);
        if (apply(TargetName.SERVICES, targets.services(), table)) {
            services = table;
        }
        apply(TargetName.DNS, targets.dns(), desired.dns());
        rememberNetworkNames(desired.networks().entries().values());
    }

    private void rememberNetworkNames(Collection<LocalNetwork> networks) {
        Map<Integer, String> names = new HashMap<>(networkNames);
        boolean grew = false;
        for (LocalNetwork n : networks) {
            grew |= !n.name().equals(names.put(n.vni(), n.name()));
        }
        if (grew) {
            networkNames = Map.copyOf(names);
        }
    }

    /**
     * Attempts one change of {@code target}; counts a failure, and logs it unless it is the
     * one logged last for that target: a lasting failure is retried every few seconds.
     */
    private boolean attempt(TargetName target, Change change) {
        try {
            change.run();
            return true;
        } catch (IOException | RuntimeException e) {
            failures.get(target).incrementAndGet();
            String message = e.toString();
            if (!message.equals(lastFailure.put(target, message))) {
                LOG.warn("data plane: applying {} failed, retrying with backoff: {}", target.label(), message);
            }
            return false;
        }
    }

    private <T> boolean apply(TargetName name, Target<T> target, T desired) {
        return settle(name, attempt(name, () -> target.apply(desired)));
    }

    private boolean settle(TargetName target, boolean inSync) {
        if (inSync) {
            if (outOfSync.remove(target)) {
                LOG.info("data plane: {} back in sync", target.label());
            }
            lastFailure.remove(target);
        } else {
            outOfSync.add(target);
        }
        outOfSyncView = Set.copyOf(outOfSync);
        return inSync;
    }

    /** After a pass: a retry after the backoff if a target is out of sync, else the backoff starts over. */
    private void settlePass() {
        if (outOfSync.isEmpty()) {
            backoff.reset();
            retryToken = 0;
            return;
        }
        if (retryToken != 0) {
            return;
        }
        long token = ++lastToken;
        retryToken = token;
        Duration delay = backoff.next();
        LOG.debug("data plane: {} out of sync, next pass in {} ms", outOfSync, delay.toMillis());
        scheduler.schedule(() -> retry(token), delay);
    }

    private void retry(long token) {
        synchronized (this) {
            if (token != retryToken) {
                return;
            }
            retryToken = 0;
        }
        runPass();
    }

    /**
     * Attaches the task {@code plan} is for, or returns its attachment if it is realised in
     * the same namespace already; a stale one is replaced. Publishes the tables with its ports.
     *
     * @throws ApiException 503 once closed
     */
    public synchronized Attachment attach(AttachmentPlan plan) throws IOException {
        checkOpen();
        Attachment existing = attached.get(plan.taskId());
        if (existing != null && existing.netns().equals(plan.netns()) && targets.tasks().realised(existing)) {
            return existing;
        }
        if (existing == null) {
            // A pruned attachment still being removed would take the new one's resolver and gwbridge link along.
            existing = detaching.get(plan.taskId());
        }
        if (existing != null) {
            attached.remove(plan.taskId());
            detaching.remove(plan.taskId());
            targets.tasks().unplumb(existing);
        }
        Attachment attachment = targets.tasks().plumb(plan);
        attached.put(plan.taskId(), attachment);
        if (toRestore != null) {
            toRestore.removeIf(e -> e.taskId().equals(plan.taskId()));
        }
        save();
        publish(view, publisher.current());
        settlePass();
        LOG.info("attached task {} ({}) in {}: {}", plan.taskId(), plan.name(), plan.netns(), plan.interfaces());
        return attachment;
    }

    /**
     * Detaches {@code taskId}, or removes what an unfinished attach of it left; returns
     * whether it was attached. Detaching an absent task is no error.
     *
     * @throws ApiException 503 once closed
     */
    public synchronized boolean detach(String taskId) throws IOException {
        checkOpen();
        Attachment a = attached.remove(taskId);
        if (a == null) {
            a = detaching.remove(taskId);
        }
        if (a == null) {
            targets.tasks().removeLeftovers(taskId);
            return false;
        }
        try {
            targets.tasks().unplumb(a);
        } finally {
            save();
            publish(view, publisher.current());
            settlePass();
        }
        LOG.info("detached task {} ({})", taskId, a.name());
        return true;
    }

    /** Every attached task, in attach order. */
    public synchronized List<Attachment> attachments() {
        return List.copyOf(attached.values());
    }

    /** The number of tasks attached on this node. */
    public synchronized int attachedTasks() {
        return attached.size();
    }

    /** Network names by VNI of every network served so far, for metric labels. */
    public Map<Integer, String> networkNames() {
        return networkNames;
    }

    /** How many applies of {@code target} failed since the start. */
    public long failures(TargetName target) {
        return failures.get(target).get();
    }

    /** The targets whose last apply failed; empty when the data plane holds what the tables say. */
    public Set<TargetName> outOfSync() {
        return outOfSyncView;
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

    /** Runs no more passes; what is attached stays as it is. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        scheduler.close();
    }

    /** One change to a target that may fail. */
    @FunctionalInterface
    private interface Change {
        void run() throws IOException;
    }
}
