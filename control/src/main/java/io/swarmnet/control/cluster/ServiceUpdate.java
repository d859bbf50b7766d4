package io.swarmnet.control.cluster;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.LbScheduler;
import java.util.List;

/**
 * What {@code service update} changes; null and empty leave things as they are.
 *
 * @param replicas     the new task count of a replicated service, or null
 * @param endpointMode the new endpoint mode, or null
 * @param publishAdd   ports to publish in addition
 * @param publishRm    selectors of published ports to withdraw; each must match at least one
 * @param lbScheduler  the new scheduler of its VIPs, or null
 * @param image        the new image of a container service's tasks, or null; each node replaces its
 *                     tasks' containers with ones of the new image
 */
public record ServiceUpdate(Integer replicas, EndpointMode endpointMode, List<PortRequest> publishAdd,
                            List<PortRequest> publishRm, LbScheduler lbScheduler, String image) {
    public ServiceUpdate {
        publishAdd = publishAdd == null ? List.of() : List.copyOf(publishAdd);
        publishRm = publishRm == null ? List.of() : List.copyOf(publishRm);
    }

    /** An update that leaves the scheduler as it is. */
    public ServiceUpdate(Integer replicas, EndpointMode endpointMode, List<PortRequest> publishAdd,
                         List<PortRequest> publishRm) {
        this(replicas, endpointMode, publishAdd, publishRm, null, null);
    }

    public static ServiceUpdate scale(int replicas) {
        return new ServiceUpdate(replicas, null, List.of(), List.of());
    }
}
