package io.swarmnet.benchmarks.lab.control;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.WatchEvent;
import io.swarmnet.control.store.WatchListener;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.VirtualService;
import io.swarmnet.control.view.ViewUpdate;
import io.swarmnet.control.watch.ClusterWatcher;
import io.swarmnet.packet.Ipv4Address;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One node's thin client in the control-plane benchmark, run inside a lab host's
 * namespace (where the managers are reachable): it stands in for that host's agent and
 * reports, on stdout, when each task becomes (or stops being) a backend of the bench
 * service in its desired tables.
 *
 * <p>Modes: {@code tables} runs {@link ClusterWatcher} and {@link DesiredTablesPublisher}
 * and stamps the moment the tables are published; {@code etcd} (the anchor) stamps the
 * moment the raw etcd watch event arrives, with no view and no tables. Time stamps are
 * {@link System#nanoTime()}, CLOCK_MONOTONIC, comparable between processes on one machine.
 *
 * <p>Output lines: {@code ready NODE_ID}, {@code seen TASK NANOS}, {@code gone TASK NANOS},
 * with {@code --log-changes} also {@code change REVISION KIND ID TYPE} for every record
 * change, and {@code digest REVISION HEX} in answer to {@code digest REVISION} on stdin.
 * {@code quit} on stdin (or its end) stops it.
 */
public final class TablesProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIND_NODE = Duration.ofSeconds(20);

    private final PrintStream out;
    private final Set<String> backends = new HashSet<>();

    private TablesProbe(PrintStream out) {
        this.out = out;
    }

    /** {@code TablesProbe --store URL --address ADDR --mode tables|etcd [--log-changes]}. */
    public static void main(String[] args) throws Exception {
        String store = null;
        String address = null;
        String mode = "tables";
        boolean logChanges = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = args[++i];
                case "--address" -> address = args[++i];
                case "--mode" -> mode = args[++i];
                case "--log-changes" -> logChanges = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (store == null || address == null || !(mode.equals("tables") || mode.equals("etcd"))) {
            System.err.println("usage: TablesProbe --store etcd://... --address ADDR --mode tables|etcd [--log-changes]");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        new TablesProbe(out).run(StoreAddress.parse(store), address, mode.equals("tables"), logChanges);
        System.exit(0);
    }

    private void run(StoreAddress address, String hostAddress, boolean tables, boolean logChanges) throws Exception {
        try (EtcdStore store = EtcdStore.connect(address, TIMEOUT)) {
            String nodeId = findNode(store, hostAddress);
            ClusterWatcher watcher = null;
            if (tables) {
                watcher = startTables(store, nodeId, logChanges);
            } else {
                startRaw(store);
            }
            print("ready " + nodeId);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                if (line.startsWith("digest ") && watcher != null) {
                    long revision = Long.parseLong(line.substring("digest ".length()).trim());
                    boolean reached = watcher.awaitRevision(revision, Duration.ofSeconds(30));
                    print(reached ? "digest " + watcher.view().revision() + " " + ViewDigest.of(watcher.view())
                            : "digest-timeout " + watcher.view().revision());
                }
            }
            if (watcher != null) {
                watcher.close();
            }
        }
    }

    /** The id of the node the lab's agent registered for this host. */
    private static String findNode(EtcdStore store, String hostAddress) throws InterruptedException {
        long deadline = System.nanoTime() + FIND_NODE.toNanos();
        while (true) {
            for (Node n : ClusterWatcher.listOnce(store).nodes().values()) {
                if (n.advertiseAddr().equals(hostAddress)) {
                    return n.id();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no node advertises " + hostAddress + " in " + store.address());
            }
            Thread.sleep(200);
        }
    }

    private ClusterWatcher startTables(EtcdStore store, String nodeId, boolean logChanges) throws InterruptedException {
        IpKey vip = new IpKey(BenchRecords.VNI, Ipv4Address.parse(BenchRecords.VIP));
        DesiredTablesPublisher publisher = new DesiredTablesPublisher(nodeId);
        publisher.addListener((previous, current) -> {
            long now = System.nanoTime();
            if (previous.services() != current.services()) {
                backendsNow(current, vip, now);
            }
        });
        CountDownLatch first = new CountDownLatch(1);
        ClusterWatcher watcher = new ClusterWatcher(store);
        if (logChanges) {
            watcher.addListener(update -> {
                if (update.cause() != ViewUpdate.Cause.INITIAL) {
                    update.changes().forEach(c -> print("change " + c.revision() + " " + c.kind() + " " + c.id() + " " + c.type()));
                }
            });
        }
        watcher.addListener(publisher);
        watcher.addListener(update -> first.countDown());
        watcher.start();
        if (!first.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no listing from " + store.address() + " within 30 s");
        }
        return watcher;
    }

    private void backendsNow(DesiredTables tables, IpKey vip, long now) {
        VirtualService service = tables.services().get(vip);
        List<Backend> current = service == null ? List.of() : service.backends();
        Set<String> ids = new HashSet<>();
        for (Backend b : current) {
            ids.add(b.taskId());
            if (backends.add(b.taskId())) {
                print("seen " + b.taskId() + " " + now);
            }
        }
        backends.removeIf(id -> {
            if (!ids.contains(id)) {
                print("gone " + id + " " + now);
                return true;
            }
            return false;
        });
    }

    private void startRaw(EtcdStore store) {
        Listing tasks = store.list(Keys.TASKS);
        store.watch(Keys.TASKS, tasks.revision() + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                long now = System.nanoTime();
                for (WatchEvent e : events) {
                    String id = Keys.idOf(Keys.TASKS, e.key());
                    print((e.type() == WatchEvent.Type.PUT ? "seen " : "gone ") + id + " " + now);
                }
            }

            @Override
            public void onCompacted(long compactRevision) {
                print("compacted " + compactRevision);
            }
        });
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }
}
