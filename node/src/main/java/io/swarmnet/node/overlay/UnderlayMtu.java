package io.swarmnet.node.overlay;

import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Link;
import io.swarmnet.sys.Rtnetlink;
import java.io.IOException;
import java.util.OptionalInt;

/** Reads the MTU of the underlay's interface from the agent's own namespace. */
public final class UnderlayMtu {
    private UnderlayMtu() {
    }

    /**
     * The MTU of the interface holding {@code address}, where overlay frames leave once
     * encapsulated; empty when no interface holds it.
     */
    public static OptionalInt of(int address) throws IOException {
        try (Rtnetlink rt = Rtnetlink.open()) {
            for (Ipv4LinkAddress a : rt.addresses()) {
                if (a.address() == address) {
                    for (Link link : rt.links()) {
                        if (link.index() == a.index()) {
                            return OptionalInt.of(link.mtu());
                        }
                    }
                }
            }
            return OptionalInt.empty();
        }
    }
}
