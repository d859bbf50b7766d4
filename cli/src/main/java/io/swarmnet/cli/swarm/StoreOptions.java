package io.swarmnet.cli.swarm;

import io.swarmnet.control.node.NodeId;
import io.swarmnet.control.store.EmbeddedStore;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.node.command.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The global options that say where the cluster state is: {@code swarmnet --store
 * etcd://a,b,c ...} (or {@code SWARMNET_STORE}), else the embedded store under
 * {@code --data-root}, as {@code docker -H} says which daemon to talk to.
 */
public final class StoreOptions {
    public static final String DEFAULT_DATA_ROOT = "/var/lib/swarmnet";
    // gRPC (under jetcd) logs INFO chatter through java.util.logging onto stderr, where a
    // CLI's output must be only its answer or its one-line error. Held so the level sticks.
    private static final Logger GRPC_JUL = Logger.getLogger("io.grpc");

    @Option(names = "--store", paramLabel = "etcd://HOST:PORT[,HOST:PORT...]", defaultValue = "${env:SWARMNET_STORE}",
            description = "The managers' etcd endpoints (env SWARMNET_STORE). Default: the embedded single-host store under --data-root.")
    String store;

    @Option(names = "--data-root", paramLabel = "DIR", defaultValue = DEFAULT_DATA_ROOT,
            description = "Where the embedded store and this node's id live (default: ${DEFAULT-VALUE}).")
    Path dataRoot;

    @Option(names = "--store-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Bound on reaching the store and on each request, 1-300 (default: ${DEFAULT-VALUE}).")
    int storeTimeoutSeconds;

    /** The options of the command line {@code spec} belongs to, wherever they were given. */
    public static StoreOptions of(CommandSpec spec) {
        for (CommandSpec mixin : spec.root().mixins().values()) {
            if (mixin.userObject() instanceof StoreOptions options) {
                return options;
            }
        }
        throw new IllegalStateException("the root command has no store options");
    }

    /**
     * Connects to the store the options name.
     *
     * @throws UserException naming the endpoints tried when no manager answers, or the directory when the embedded store fails
     */
    Store open() {
        if (storeTimeoutSeconds < 1 || storeTimeoutSeconds > 300) {
            throw new UserException("--store-timeout " + storeTimeoutSeconds + " is out of range: it must be 1-300 seconds");
        }
        Duration timeout = Duration.ofSeconds(storeTimeoutSeconds);
        try {
            if (store != null && !store.isBlank()) {
                StoreAddress address;
                try {
                    address = StoreAddress.parse(store.strip());
                } catch (IllegalArgumentException e) {
                    throw new UserException("invalid --store: " + e.getMessage());
                }
                GRPC_JUL.setLevel(Level.WARNING);
                return EtcdStore.connect(address, timeout);
            }
            return EmbeddedStore.open(dataRoot.resolve(EmbeddedStore.DIRECTORY), timeout);
        } catch (StoreException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /** This host's node id, when an agent ran here with the same data root. */
    Optional<String> localNodeId() {
        try {
            Path file = dataRoot.resolve(NodeId.FILE_NAME);
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String id = Files.readString(file).strip();
            return NodeId.isValid(id) ? Optional.of(id) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Where this host's agent keeps its state and its API socket. */
    public Path dataRoot() {
        return dataRoot;
    }

    boolean embedded() {
        return store == null || store.isBlank();
    }
}
