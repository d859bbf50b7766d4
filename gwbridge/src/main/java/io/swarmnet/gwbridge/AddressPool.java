package io.swarmnet.gwbridge;

import io.swarmnet.packet.Ipv4Address;
import java.util.BitSet;

/**
 * The task addresses of one gwbridge pool: every address but the network, the broadcast
 * and the gateway, handed out lowest first so addresses stay short and predictable. Not
 * thread-safe; {@link GwBridge} owns it.
 */
final class AddressPool {
    private final int network;
    private final int prefixLength;
    private final int gateway;
    /** Host numbers (address minus network) 1 to size - 2 that are taken. */
    private final BitSet taken = new BitSet();
    private final int size;

    AddressPool(int network, int prefixLength, int gateway) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.gateway = gateway;
        this.size = 1 << (32 - prefixLength);
    }

    /** How many task addresses the pool holds in all. */
    int capacity() {
        return size - 3;
    }

    /**
     * Takes the lowest free address.
     *
     * @throws IllegalStateException if every address is taken
     */
    int allocate() {
        int host = taken.nextClearBit(1);
        if (network + host == gateway) {
            host = taken.nextClearBit(host + 1);
        }
        if (host >= size - 1) {
            throw new IllegalStateException("gwbridge pool " + Ipv4Address.toString(network) + "/" + prefixLength
                    + " is exhausted: all " + capacity() + " task addresses are in use");
        }
        taken.set(host);
        return network + host;
    }

    /**
     * Takes {@code address}, e.g. one remembered from an earlier run.
     *
     * @throws IllegalArgumentException if it is not a task address of the pool or is taken
     */
    void reserve(int address) {
        int host = host(address);
        if (taken.get(host)) {
            throw new IllegalArgumentException(Ipv4Address.toString(address) + " is taken twice");
        }
        taken.set(host);
    }

    /** Gives {@code address} back; giving back a free one is not an error. */
    void release(int address) {
        if (Ipv4Address.contains(network, prefixLength, address)) {
            taken.clear(address - network);
        }
    }

    boolean isTaken(int address) {
        return Ipv4Address.contains(network, prefixLength, address) && taken.get(address - network);
    }

    private int host(int address) {
        String text = Ipv4Address.toString(address);
        if (!Ipv4Address.contains(network, prefixLength, address)) {
            throw new IllegalArgumentException(text + " is outside the pool " + Ipv4Address.toString(network)
                    + "/" + prefixLength);
        }
        int host = address - network;
        if (host == 0 || host == size - 1 || address == gateway) {
            throw new IllegalArgumentException(text + " is the pool's "
                    + (host == 0 ? "network" : host == size - 1 ? "broadcast" : "gateway") + " address");
        }
        return host;
    }
}
