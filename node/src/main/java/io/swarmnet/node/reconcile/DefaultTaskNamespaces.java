package io.swarmnet.node.reconcile;

import io.swarmnet.gwbridge.GwBridge;
import io.swarmnet.gwbridge.GwBridgeAttachment;
import io.swarmnet.node.dns.TaskResolvers;
import io.swarmnet.sys.Netns;
import io.swarmnet.sys.Rtnetlink;
import io.swarmnet.sys.Sysctl;
import io.swarmnet.vxlan.port.TapPort;
import io.swarmnet.vxlan.vtep.Vtep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task namespaces in the kernel: a TAP per overlay interface, made in the agent's
 * namespace (its descriptor must be opened there), attached to the {@link Vtep} and moved
 * into the task's; the task's resolver socket; its {@link GwBridge} link.
 *
 * <p>Not thread-safe: the reconciler calls it under its lock.
 */
public final class DefaultTaskNamespaces implements TaskNamespaces {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultTaskNamespaces.class);

    private final Vtep vtep;
    private final GwBridge gw;
    private final TaskResolvers resolvers;
    /** The VTEP's ports by id, to detach them. */
    private final Map<Integer, TapPort> ports = new HashMap<>();

    public DefaultTaskNamespaces(Vtep vtep, GwBridge gw, TaskResolvers resolvers) {
        this.vtep = vtep;
        this.gw = gw;
        this.resolvers = resolvers;
    }

    @Override
    public Attachment plumb(AttachmentPlan plan) throws IOException {
        List<Attachment.Port> done = new ArrayList<>();
        GwBridgeAttachment gwAttachment = null;
        boolean success = false;
        try (Netns netns = Netns.open(plan.netns());
             Rtnetlink host = Rtnetlink.open();
             Rtnetlink inTask = Rtnetlink.open(netns)) {
            // Docker's default for containers without IPv6: no router solicitations or
            // MLD reports for the overlay to drop as floods.
            netns.call(() -> {
                disableIpv6();
                return null;
            });
            inTask.setLinkUp("lo");
            for (InterfacePlan i : plan.interfaces()) {
                // A queue per event loop of the VTEP; it closes them all if it cannot attach them.
                TapPort port = vtep.attachQueues(TapPort.openTapQueues(i.tapName(), true, vtep.loops()), i.vni());
                ports.put(port.id(), port);
                done.add(new Attachment.Port(i, port.id()));
                // The TAP is handed to the task's namespace, where it gets its final name.
                host.moveToNetns(i.tapName(), netns);
                inTask.rename(i.tapName(), i.name());
                inTask.setMac(i.name(), i.mac());
                inTask.setMtu(i.name(), i.mtu());
                inTask.addAddress(i.name(), i.ip(), i.prefixLength());
                inTask.setLinkUp(i.name());
            }
            resolvers.open(plan.taskId(), netns, plan.networkIds());
            if (plan.egress()) {
                gwAttachment = gw.attach(netns, plan.taskId());
            }
            success = true;
            return new Attachment(plan, done, gwAttachment);
        } finally {
            if (!success) {
                resolvers.close(plan.taskId());
                for (Attachment.Port p : done) {
                    try {
                        detachPort(p);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("undoing the attach of {}: {}", plan.taskId(), e.toString());
                    }
                }
            }
        }
    }

    private static void disableIpv6() {
        for (String key : List.of("net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6")) {
            try {
                Sysctl.write(key, "1");
            } catch (IOException noIpv6) {
                // A kernel without IPv6 has nothing to turn off.
            }
        }
    }

    @Override
    public void unplumb(Attachment a) throws IOException {
        resolvers.close(a.taskId());
        IOException failure = null;
        for (Attachment.Port p : a.interfaces()) {
            try {
                // Closing the TAP removes its interface from the task's namespace.
                detachPort(p);
            } catch (IOException e) {
                failure = e;
            }
        }
        if (a.gw() != null || gw.attachment(a.taskId()).isPresent()) {
            gw.detach(a.taskId());
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void detachPort(Attachment.Port p) throws IOException {
        TapPort port = ports.remove(p.portId());
        if (port != null) {
            vtep.detach(port);
        }
    }

    @Override
    public boolean realised(Attachment a) {
        if (!Files.exists(a.netns())) {
            return false;
        }
        try (Netns netns = Netns.open(a.netns()); Rtnetlink rt = Rtnetlink.open(netns)) {
            for (Attachment.Port p : a.interfaces()) {
                if (rt.link(p.plan().name()).filter(l -> l.mac() == p.plan().mac()).isEmpty()) {
                    return false;
                }
            }
            return a.gw() == null || rt.link(GwBridge.TASK_LINK).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Always empty: a TAP lives only as long as the descriptors of the agent that opened it,
     * so after a restart no overlay interface is left to adopt and the task is re-plumbed
     * (the gwbridge keeps its link and address: {@link GwBridge#attach} repairs in place).
     */
    @Override
    public Optional<Attachment> adopt(AttachmentPlan plan) {
        return Optional.empty();
    }

    @Override
    public boolean exists(Path netns) {
        return Files.exists(netns);
    }

    @Override
    public void removeLeftovers(String taskId) throws IOException {
        // A gwbridge port without an attachment: left by an attach the agent did not finish.
        if (gw.attachment(taskId).isPresent()) {
            gw.detach(taskId);
        }
    }
}
