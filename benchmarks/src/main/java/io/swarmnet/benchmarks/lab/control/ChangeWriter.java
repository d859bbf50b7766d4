package io.swarmnet.benchmarks.lab.control;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.store.Transaction;
import io.swarmnet.control.store.TransactionResult;
import io.swarmnet.control.watch.ClusterWatcher;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The writer of the control-plane benchmark, run in the lab's client namespace: sets up
 * the bench network, service and an anchor task per registered node, then commits
 * numbered changes (new tasks), each exactly once even across a leader loss, paced so
 * that each is measured on its own. Warm-up changes come first, so that the watchers'
 * JIT compilers have done their work before the measured ones (an agent runs for days,
 * a freshly started watcher is not what users live with).
 *
 * <p>Output lines: {@code nodes COUNT}, {@code warmup TASK ...} per warm-up change,
 * {@code commit TASK SENT_NANOS ACKED_NANOS REVISION} per measured change, {@code done REVISION}, {@code digest REVISION HEX} of etcd's state after the
 * last change; with {@code --cleanup} only {@code cleaned COUNT}.
 */
public final class ChangeWriter {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int WARMUP_PACE_MILLIS = 5;

    private ChangeWriter() {
    }

    /** {@code ChangeWriter --store URL (--run ID --count N [--warmup N] [--pace-ms MS] | --cleanup)}. */
    public static void main(String[] args) throws Exception {
        String store = null;
        String run = null;
        int count = 0;
        int warmup = 0;
        int paceMillis = 20;
        boolean cleanup = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--store" -> store = args[++i];
                case "--run" -> run = args[++i];
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--pace-ms" -> paceMillis = Integer.parseInt(args[++i]);
                case "--cleanup" -> cleanup = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (store == null || (!cleanup && (run == null || count < 1 || warmup < 0 || count + warmup > BenchRecords.MAX_CHANGES))) {
            System.err.println("usage: ChangeWriter --store etcd://... (--run ID --count N [--warmup N] [--pace-ms MS] | --cleanup);"
                    + " count + warmup at most " + BenchRecords.MAX_CHANGES);
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (EtcdStore etcd = EtcdStore.connect(StoreAddress.parse(store), TIMEOUT)) {
            if (cleanup) {
                out.println("cleaned " + cleanup(etcd));
            } else {
                write(etcd, run, warmup, count, paceMillis, out);
            }
        }
        System.exit(0);
    }

    private static void write(EtcdStore etcd, String run, int warmup, int count, int paceMillis, PrintStream out) throws InterruptedException {
        etcd.put(Keys.network(BenchRecords.NETWORK_ID), ModelJson.write(BenchRecords.network()));
        etcd.put(Keys.service(BenchRecords.SERVICE_ID), ModelJson.write(BenchRecords.service()));
        List<Node> nodes = ClusterWatcher.listOnce(etcd).nodes().values().stream()
                .sorted(Comparator.comparing(Node::id)).toList();
        if (nodes.isEmpty()) {
            throw new IllegalStateException("no node is registered in " + etcd.address() + "; are the lab's agents up?");
        }
        for (int i = 0; i < nodes.size(); i++) {
            Task anchor = BenchRecords.anchor(i, nodes.get(i).id());
            etcd.put(Keys.task(anchor.id()), ModelJson.write(anchor));
        }
        out.println("nodes " + nodes.size());
        // Lets every watcher take the set-up in before the first measured change.
        Thread.sleep(1_000);
        long revision = 0;
        for (int n = 1; n <= warmup + count; n++) {
            Task change = BenchRecords.change(run, n, nodes.get(n % nodes.size()).id());
            long sent = System.nanoTime();
            revision = createOnce(etcd, Keys.task(change.id()), ModelJson.write(change));
            long acked = System.nanoTime();
            out.println((n <= warmup ? "warmup " : "commit ") + change.id() + " " + sent + " " + acked + " " + revision);
            Thread.sleep(n <= warmup ? Math.min(paceMillis, WARMUP_PACE_MILLIS) : paceMillis);
        }
        out.println("done " + revision);
        out.println("digest " + revision + " " + ViewDigest.of(ClusterWatcher.listOnce(etcd)));
    }

    /**
     * Creates a key exactly once through a leader loss: a commit that timed out may or may
     * not have happened, so a retry only creates the key while it is still absent.
     *
     * @return the revision that created it
     */
    private static long createOnce(EtcdStore etcd, String key, byte[] value) throws InterruptedException {
        while (true) {
            try {
                TransactionResult r = etcd.commit(Transaction.create().ifAbsent(key).put(key, value));
                if (r.succeeded()) {
                    return r.revision();
                }
                return etcd.get(key).map(KeyValue::createRevision).orElseThrow(
                        () -> new IllegalStateException(key + " existed and then vanished"));
            } catch (StoreException e) {
                Thread.sleep(50);
            }
        }
    }

    private static int cleanup(EtcdStore etcd) {
        int deleted = 0;
        for (KeyValue kv : etcd.list(Keys.TASKS).items()) {
            if (Keys.idOf(Keys.TASKS, kv.key()).startsWith(BenchRecords.CHANGE_PREFIX) && etcd.delete(kv.key())) {
                deleted++;
            }
        }
        return deleted;
    }
}
