package io.swarmnet.gwbridge;

import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Link;
import io.swarmnet.sys.Netns;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What {@link GwBridge} reads and changes in the kernel: links, addresses and an nftables
 * table of the node's namespace, and the task's end of each veth in the task's namespace.
 * {@link DefaultGwBridgeKernel} is the real one; tests put a fake behind {@link GwBridge}
 * to check its decisions, and its failures, without a kernel.
 *
 * <p>Contract, as for every reconciler target: operations may be retried; creating what
 * exists is refused ({@link io.swarmnet.sys.NativeIoException#isAlreadyExists()}) unless
 * the method says otherwise; deleting what is absent is not an error. Addresses are
 * {@code int}s in network order.
 */
public interface GwBridgeKernel extends Closeable {

    /** Every link of the node's namespace. */
    List<Link> links() throws IOException;

    /** The node's link {@code name}, or empty. */
    Optional<Link> link(String name) throws IOException;

    /** Every IPv4 address of the node's namespace. */
    List<Ipv4LinkAddress> addresses() throws IOException;

    /** Creates bridge {@code name}, down, with hardware address {@code mac}. */
    void addBridge(String name, long mac) throws IOException;

    /** Adds {@code address/prefixLength} to the node's link {@code name}; having it already is fine. */
    void addAddress(String name, int address, int prefixLength) throws IOException;

    /** Sets the node's link {@code name} up. */
    void setUp(String name) throws IOException;

    /** Turns IPv4 forwarding on in the node's namespace. */
    void enableForwarding() throws IOException;

    /** The listing of nftables table {@code family name}, or empty if there is none. */
    Optional<String> listTable(String family, String name) throws IOException;

    /**
     * Replaces nftables table {@code family name} with one holding {@code body} (its chains
     * in the {@code nft -f} language) in one transaction, creating it if there is none.
     */
    void replaceTable(String family, String name, String body) throws IOException;

    /** Deletes nftables table {@code family name}. */
    void deleteTable(String family, String name) throws IOException;

    /**
     * Creates a veth pair: {@code port} in the node's namespace, {@code taskLink} with
     * hardware address {@code taskMac} in {@code taskNetns}; both down.
     */
    void addVeth(String port, String taskLink, Netns taskNetns, long taskMac) throws IOException;

    /**
     * Makes {@code port} an isolated port of {@code bridge} and sets it up, in that order,
     * so it never forwards to another task.
     */
    void attachPort(String port, String bridge) throws IOException;

    /**
     * Deletes the node's link {@code name}; a veth takes its peer along.
     *
     * @return false if there was none
     */
    boolean deleteLink(String name) throws IOException;

    /** Link {@code name} of {@code taskNetns}, or empty. */
    Optional<Link> taskLink(Netns taskNetns, String name) throws IOException;

    /**
     * Gives link {@code name} of {@code taskNetns} {@code address/prefixLength} (having it
     * already is fine), sets it up and points the default route at {@code gateway} through
     * it, replacing any other default route.
     */
    void configureTaskLink(Netns taskNetns, String name, int address, int prefixLength, int gateway)
            throws IOException;
}
