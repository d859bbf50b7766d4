package io.swarmnet.control.model;

import java.util.Map;
import java.util.Objects;

/**
 * An overlay network's record, stored as JSON under {@code /swarmnet/v1/networks/<id>}.
 *
 * @param version   the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param id        25 lowercase base-36 characters
 * @param name      unique in the cluster, as in {@code docker network create NAME}
 * @param driver    {@code overlay}, the only driver so far
 * @param vni       the VXLAN network identifier, allocated serially from 4096 as Docker does
 * @param subnet    IPv4 CIDR, e.g. {@code 10.0.9.0/24}
 * @param gateway   the subnet's first address, reserved: no task gets it
 * @param mtu       the overlay MTU, or 0 for "underlay MTU - 50" derived on each node
 * @param attachable standalone tasks may attach (not only service tasks)
 * @param internal  no egress: tasks get no docker_gwbridge interface
 * @param ingress   the routing mesh's network (one per cluster)
 * @param encrypted IPsec requested ({@code --opt encrypted}); recorded, not yet enforced
 * @param labels    free-form user labels
 */
public record Network(int version, String id, String name, String driver, int vni, String subnet, String gateway,
                      int mtu, boolean attachable, boolean internal, boolean ingress, boolean encrypted,
                      Map<String, String> labels) {
    public static final int SCHEMA_VERSION = 1;
    public static final String DRIVER_OVERLAY = "overlay";

    public Network {
        if (version < 1) {
            throw new IllegalArgumentException("network record version must be 1 or more, not " + version);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(gateway, "gateway");
        if (vni < 1 || vni > 0xFFFFFF) {
            throw new IllegalArgumentException("vni must be 1-16777215, not " + vni);
        }
        if (mtu < 0) {
            throw new IllegalArgumentException("mtu must be 0 (derived) or positive, not " + mtu);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
