package io.swarmnet.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.cluster.ClusterException.Reason;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.store.EmbeddedStore;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.testing.EtcdFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several allocators at once, each a thread with its own store client, create and remove
 * networks and services that contend for the same VNIs, subnets, addresses and ports,
 * while an auditor checks every snapshot it can read: nothing is ever held twice, and the
 * reservations always match the records.
 */
@Timeout(120)
class AllocationConcurrencyTest {
    private static final int WORKERS = 5;
    private static final int ROUNDS = 3;

    @Test
    @Tag("privileged")
    void etcdClientsNeverHandOutAnythingTwice() throws Exception {
        try (EtcdFixture etcd = new EtcdFixture()) {
            etcd.start();
            StoreAddress address = StoreAddress.parse(etcd.storeUrl());
            run(() -> EtcdStore.connect(address, Duration.ofSeconds(5)));
        }
    }

    @Test
    void embeddedStoreInstancesNeverHandOutAnythingTwice(@TempDir Path dir) throws Exception {
        run(() -> EmbeddedStore.open(dir));
    }

    private void run(Supplier<Store> clients) throws Exception {
        try (Store setup = clients.get()) {
            ClusterStore cluster = new ClusterStore(setup);
            cluster.init(InitSpec.defaults());
            ClusterFixtures.nodes(setup, "w1", "w2", "w3");
            cluster.createNetwork(NetworkSpec.named("shared"));
        }
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        // Round 0 is given back only after every worker contended in it, so nobody wins
        // a port merely because the winner already released it.
        CountDownLatch contended = new CountDownLatch(WORKERS);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            workers.add(new Thread(() -> {
                try (Store store = clients.get()) {
                    start.await();
                    work(new ClusterStore(store), worker, outcomes, contended);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "allocator-" + w));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger audits = new AtomicInteger();
        Thread auditor = new Thread(() -> {
            try (Store store = clients.get()) {
                ClusterStore cluster = new ClusterStore(store);
                start.await();
                while (running.get()) {
                    ClusterAudit.assertConsistent(cluster.read());
                    audits.incrementAndGet();
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "auditor");
        workers.forEach(Thread::start);
        auditor.start();
        start.countDown();
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(100));
        }
        running.set(false);
        auditor.join(10_000);

        assertThat(failures).isEmpty();
        try (Store store = clients.get()) {
            ClusterSnapshot end = new ClusterStore(store).read();
            ClusterAudit.assertConsistent(end);
            // Every worker asked for ingress port 8080/tcp: exactly one got it.
            assertThat(outcomes.get("contended-port-won")).hasValue(1);
            assertThat(outcomes.get("contended-port-refused")).hasValue(WORKERS - 1);
            // Host-mode 9000/udp on 2 of 3 nodes per service: only one service fits.
            assertThat(outcomes.get("host-port-won")).hasValue(1);
            // Round 0 was given back; round 1 left the host-port winner, round 2 one service per worker.
            assertThat(end.services()).hasSize(1 + WORKERS);
            assertThat(end.networks()).hasSize(2 + WORKERS * (ROUNDS - 1));
        }
        assertThat(audits.get()).isPositive();
    }

    /** One allocator's share: networks, services contending for ports, scaling, removal. */
    private static void work(ClusterStore cluster, int worker, Map<String, AtomicInteger> outcomes, CountDownLatch contended)
            throws InterruptedException {
        for (int round = 0; round < ROUNDS; round++) {
            String net = "n" + worker + "-" + round;
            cluster.createNetwork(NetworkSpec.named(net));
            ServiceSpec base = ServiceSpec.replicated("s" + worker + "-" + round, 2)
                    .withNetworks(NetworkRequest.of("shared"), NetworkRequest.of(net));
            if (round == 0) {
                ServiceSpec contendedSpec = base.withPorts(PortRequest.tcp(8080, 80), PortRequest.tcp(0, 81));
                count(outcomes, attempt(() -> cluster.createService(contendedSpec), Reason.PORT_IN_USE), "contended-port");
                contended.countDown();
            } else if (round == 1) {
                ServiceSpec hostMode = base.withPorts(new PortRequest(PortProtocol.UDP, 53, 9000, PublishMode.HOST));
                count(outcomes, attempt(() -> cluster.createService(hostMode), Reason.NO_SUITABLE_NODE), "host-port");
            } else {
                cluster.createService(base.withPorts(PortRequest.tcp(0, 80)));
                cluster.updateService(base.name(), ServiceUpdate.scale(4));
                cluster.updateService(base.name(), ServiceUpdate.scale(1));
            }
        }
        // Give back round 0 entirely: its service (if it won) and its network.
        assertThat(contended.await(60, TimeUnit.SECONDS)).isTrue();
        String first = "s" + worker + "-0";
        if (cluster.read().services().stream().anyMatch(s -> s.name().equals(first))) {
            cluster.removeService(first);
        }
        cluster.removeNetwork("n" + worker + "-0");
    }

    /** Runs a creation that may lose to another worker; returns whether it won. */
    private static boolean attempt(Runnable creation, Reason expectedRefusal) {
        try {
            creation.run();
            return true;
        } catch (ClusterException e) {
            if (e.reason() != expectedRefusal) {
                throw e;
            }
            return false;
        }
    }

    private static void count(Map<String, AtomicInteger> outcomes, boolean won, String what) {
        outcomes.computeIfAbsent(what + (won ? "-won" : "-refused"), k -> new AtomicInteger()).incrementAndGet();
    }
}
