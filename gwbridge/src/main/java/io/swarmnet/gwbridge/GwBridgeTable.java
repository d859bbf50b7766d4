package io.swarmnet.gwbridge;

/**
 * The nftables table swarmnet owns for the gwbridge: {@code table ip swarmnet_gwbridge},
 * rewritten whole on every reconcile and never shared with anyone's rules.
 *
 * <pre>
 * postrouting (nat)  ip saddr POOL oifname != BRIDGE masquerade
 * forward (filter)   oifname BRIDGE ct state established,related accept
 *                    oifname BRIDGE ct status dnat accept
 *                    oifname BRIDGE counter drop
 * </pre>
 *
 * Masquerade rewrites the source to the address of whichever interface the packet leaves
 * by, i.e. the node's own address, and needs no rewrite when that address changes. The
 * forward chain is the layer-3 half of ICC off: bridge port isolation stops task-to-task
 * frames on the bridge, but a task could still send a packet for another task to the
 * gateway's MAC and have the node route it back onto the bridge; that, and connections
 * opened from outside towards the pool, are dropped here. Replies to the tasks' own
 * connections pass, and so do connections the node DNATs to a task (host-mode published
 * ports). Interfaces are matched by name: no ifindex lookup, and the rules keep matching
 * when the bridge is re-created. Both chains accept by default so that traffic which is not
 * the gwbridge's is left to the node's other rules.
 */
final class GwBridgeTable {
    static final String FAMILY = "ip";
    static final String NAME = "swarmnet_gwbridge";

    private GwBridgeTable() {
    }

    /** The table's chains for {@code config}, in the {@code nft -f} language. */
    static String body(GwBridgeConfig config) {
        String bridge = "\"" + config.bridgeName() + "\"";
        return "  chain postrouting {\n"
                + "    type nat hook postrouting priority srcnat; policy accept;\n"
                + "    ip saddr " + config.pool() + " oifname != " + bridge + " masquerade\n"
                + "  }\n"
                + "  chain forward {\n"
                + "    type filter hook forward priority filter; policy accept;\n"
                + "    oifname " + bridge + " ct state established,related accept\n"
                + "    oifname " + bridge + " ct status dnat accept\n"
                + "    oifname " + bridge + " counter drop\n"
                + "  }\n";
    }
}
