package io.swarmnet.gwbridge;

import io.swarmnet.packet.Ipv4Address;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How one node's gwbridge is set up: the bridge's name, the IPv4 pool its tasks take
 * addresses from, the gateway address the bridge itself holds, and the directory where
 * the node remembers which task has which address. Addresses are {@code int}s in network
 * order.
 *
 * @param bridgeName       the Linux bridge, {@value #DEFAULT_BRIDGE} unless the node runs
 *                         Docker's own swarm mode beside swarmnet
 * @param poolNetwork      the pool's network address, without host bits
 * @param poolPrefixLength 8 to 30: room at least for the gateway and one task
 * @param gateway          inside the pool; the tasks' default route points at it
 * @param dataDir          where {@code gwbridge.json} is kept
 * @throws GwBridgeConfigException naming what is wrong, on one line
 */
public record GwBridgeConfig(String bridgeName, int poolNetwork, int poolPrefixLength, int gateway, Path dataDir) {
    /** The bridge Docker's swarm mode uses for the same purpose. */
    public static final String DEFAULT_BRIDGE = "docker_gwbridge";
    /** The pool Docker gives {@code docker_gwbridge} when it is free. */
    public static final String DEFAULT_POOL = "172.18.0.0/16";
    /** A /30 holds the network, the gateway, one task and the broadcast address. */
    static final int LONGEST_PREFIX = 30;
    /** Larger pools would swallow whole address classes the node is likely to route. */
    static final int SHORTEST_PREFIX = 8;

    public GwBridgeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        checkBridgeName(bridgeName);
        String pool = Ipv4Address.toString(poolNetwork) + "/" + poolPrefixLength;
        if (poolPrefixLength > LONGEST_PREFIX) {
            throw new GwBridgeConfigException("gwbridge pool " + pool + " is too small: it needs room for the"
                    + " network, the gateway, a task and the broadcast address (use /" + LONGEST_PREFIX + " or larger)");
        }
        if (poolPrefixLength < SHORTEST_PREFIX) {
            throw new GwBridgeConfigException("gwbridge pool " + pool + " is too large (use /" + SHORTEST_PREFIX
                    + " to /" + LONGEST_PREFIX + ")");
        }
        int network = Ipv4Address.network(poolNetwork, poolPrefixLength);
        if (network != poolNetwork) {
            throw new GwBridgeConfigException("gwbridge pool " + pool + " has host bits set (the network is "
                    + Ipv4Address.toString(network) + "/" + poolPrefixLength + ")");
        }
        int firstOctet = poolNetwork >>> 24;
        if (firstOctet == 0 || firstOctet == 127 || firstOctet >= 224) {
            throw new GwBridgeConfigException("gwbridge pool " + pool
                    + " is not a unicast range a bridge can route (not 0/8, 127/8, multicast or reserved)");
        }
        String gw = Ipv4Address.toString(gateway);
        if (!Ipv4Address.contains(poolNetwork, poolPrefixLength, gateway)) {
            throw new GwBridgeConfigException("gwbridge gateway " + gw + " is outside the pool " + pool);
        }
        if (gateway == poolNetwork || gateway == Ipv4Address.broadcast(poolNetwork, poolPrefixLength)) {
            throw new GwBridgeConfigException("gwbridge gateway " + gw + " is the "
                    + (gateway == poolNetwork ? "network" : "broadcast") + " address of the pool " + pool);
        }
    }

    /** The default bridge and pool, with the gateway at the pool's first address. */
    public static GwBridgeConfig defaults(Path dataDir) {
        return parse(DEFAULT_POOL, null, dataDir);
    }

    /**
     * Reads a pool like {@code "172.18.0.0/16"} and a gateway like {@code "172.18.0.1"}
     * ({@code null} for the pool's first address), for the default bridge.
     *
     * @throws GwBridgeConfigException if either is malformed or they do not fit together
     */
    public static GwBridgeConfig parse(String pool, String gateway, Path dataDir) {
        int slash = pool == null ? -1 : pool.indexOf('/');
        int network;
        int prefixLength;
        try {
            if (slash < 0) {
                throw new IllegalArgumentException("no prefix length");
            }
            network = Ipv4Address.parse(pool.substring(0, slash));
            String length = pool.substring(slash + 1);
            if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix length");
            }
            prefixLength = Integer.parseInt(length);
            if (prefixLength > 32) {
                throw new IllegalArgumentException("bad prefix length");
            }
        } catch (IllegalArgumentException e) {
            throw new GwBridgeConfigException("gwbridge pool '" + pool + "' is not an IPv4 prefix like " + DEFAULT_POOL);
        }
        int gw;
        if (gateway == null) {
            gw = network + 1;
        } else {
            try {
                gw = Ipv4Address.parse(gateway);
            } catch (IllegalArgumentException e) {
                throw new GwBridgeConfigException("gwbridge gateway '" + gateway + "' is not an IPv4 address like 172.18.0.1");
            }
        }
        return new GwBridgeConfig(DEFAULT_BRIDGE, network, prefixLength, gw, dataDir);
    }

    /** This configuration for a bridge of another name. */
    public GwBridgeConfig withBridgeName(String name) {
        return new GwBridgeConfig(name, poolNetwork, poolPrefixLength, gateway, dataDir);
    }

    /** The pool as {@code "172.18.0.0/16"}. */
    public String pool() {
        return Ipv4Address.toString(poolNetwork) + "/" + poolPrefixLength;
    }

    /** The file that remembers the attachments. */
    Path stateFile() {
        return dataDir.resolve(GwBridgeStateFile.NAME);
    }

    private static void checkBridgeName(String name) {
        if (name == null || name.isEmpty()) {
            throw new GwBridgeConfigException("gwbridge bridge name is empty");
        }
        if (name.length() > 15) {
            throw new GwBridgeConfigException("gwbridge bridge name '" + name + "' is longer than the kernel's 15 bytes");
        }
        // Narrower than the kernel allows: the name also goes into nft rules, quoted.
        if (!name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-')) {
            throw new GwBridgeConfigException("gwbridge bridge name '" + name
                    + "' may hold only letters, digits, '_', '.' and '-'");
        }
        if (Naming.isPort(name)) {
            throw new GwBridgeConfigException("gwbridge bridge name '" + name + "' looks like one of its task ports");
        }
    }
}
