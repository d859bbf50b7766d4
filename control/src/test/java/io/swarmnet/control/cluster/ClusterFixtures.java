package io.swarmnet.control.cluster;

import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeAvailability;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.node.NodeRegistry;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.Transaction;
import java.util.ArrayList;
import java.util.List;

/** Test setup for cluster state: an empty store, and nodes that look ready. */
final class ClusterFixtures {

    private ClusterFixtures() {
    }

    /** Deletes every swarmnet key, in transactions etcd accepts. */
    static void wipe(Store store) {
        List<KeyValue> all = store.list(Keys.ROOT).items();
        for (int from = 0; from < all.size(); from += 100) {
            Transaction txn = Transaction.create();
            all.subList(from, Math.min(all.size(), from + 100)).forEach(kv -> txn.delete(kv.key()));
            store.commit(txn);
        }
    }

    /** Registers ready, active workers with these hostnames (liveness keys without a lease); returns their ids. */
    static List<String> nodes(Store store, String... hostnames) {
        NodeRegistry registry = new NodeRegistry(store);
        List<String> ids = new ArrayList<>();
        int n = 21;
        for (String hostname : hostnames) {
            String id = NodeId.generate();
            registry.register(Node.of(id, hostname, NodeRole.WORKER, "192.0.2." + n++), 0);
            ids.add(id);
        }
        return ids;
    }

    /** Sets a node's availability, as {@code docker node update --availability} would. */
    static void availability(Store store, String nodeId, NodeAvailability availability) {
        Node node = new NodeRegistry(store).get(nodeId).orElseThrow();
        store.put(Keys.node(nodeId), io.swarmnet.control.model.ModelJson.write(node.withAvailability(availability)));
    }

    /** Makes a node look down: its liveness key is gone, as when its lease expired. */
    static void down(Store store, String nodeId) {
        store.delete(Keys.nodeAlive(nodeId));
    }
}
