package io.swarmnet.node.reconcile;

import io.swarmnet.gwbridge.GwBridgeAttachment;
import io.swarmnet.packet.Ipv4Address;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Task namespaces in memory: namespaces are paths the test creates and removes, ports get
 * ids from 1 up, and every call is recorded as "method taskId"; {@link #faults} fail plumb
 * and unplumb on demand.
 */
final class FakeTaskNamespaces implements TaskNamespaces {
    static final int GATEWAY = Ipv4Address.parse("172.18.0.1");

    final List<String> calls = new ArrayList<>();
    final Set<Path> namespaces = new HashSet<>();
    /** Tasks an earlier run realised, found whole by {@link #adopt}. */
    final Set<String> leftByLastRun = new HashSet<>();
    final Faults faults = new Faults();
    private int nextPort = 1;
    private int nextGwAddress = GATEWAY + 1;

    @Override
    public Attachment plumb(AttachmentPlan plan) throws IOException {
        calls.add("plumb " + plan.taskId());
        faults.check();
        return realise(plan);
    }

    private Attachment realise(AttachmentPlan plan) {
        List<Attachment.Port> ports = new ArrayList<>();
        plan.interfaces().forEach(i -> ports.add(new Attachment.Port(i, nextPort++)));
        GwBridgeAttachment gw = plan.egress()
                ? new GwBridgeAttachment(plan.taskId(), "gw-" + plan.taskId(), nextGwAddress++, 16, GATEWAY) : null;
        return new Attachment(plan, ports, gw);
    }

    @Override
    public void unplumb(Attachment attachment) throws IOException {
        calls.add("unplumb " + attachment.taskId());
        faults.check();
    }

    @Override
    public boolean realised(Attachment attachment) {
        return namespaces.contains(attachment.netns());
    }

    @Override
    public Optional<Attachment> adopt(AttachmentPlan plan) {
        calls.add("adopt " + plan.taskId());
        return leftByLastRun.contains(plan.taskId()) ? Optional.of(realise(plan)) : Optional.empty();
    }

    @Override
    public boolean exists(Path netns) {
        return namespaces.contains(netns);
    }

    @Override
    public void removeLeftovers(String taskId) {
        calls.add("removeLeftovers " + taskId);
    }
}
