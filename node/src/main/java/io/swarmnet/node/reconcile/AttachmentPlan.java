package io.swarmnet.node.reconcile;

import java.nio.file.Path;
import java.util.List;

/**
 * What a task's namespace should hold: its overlay interfaces, whether it gets the
 * gwbridge (unless every network is internal) and the networks its resolver answers for.
 * Made by {@link AttachmentPlanner}, realised by {@link TaskNamespaces#plumb}.
 *
 * @param name the task's name, {@code service.slot}, for logs and listings
 */
public record AttachmentPlan(String taskId, String name, Path netns, List<InterfacePlan> interfaces, boolean egress,
                             List<String> networkIds) {

    public AttachmentPlan {
        interfaces = List.copyOf(interfaces);
        networkIds = List.copyOf(networkIds);
    }
}
