package io.swarmnet.node.reconcile;

import io.swarmnet.gwbridge.GwBridge;
import io.swarmnet.gwbridge.GwBridgeAttachment;
import io.swarmnet.gwbridge.GwBridgeConfig;
import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task attached on this node, as {@link TaskNamespaces} realised its {@link AttachmentPlan}:
 * its overlay interfaces with the VTEP port behind each, and its gwbridge link, null when
 * every network is internal.
 */
public record Attachment(AttachmentPlan plan, List<Port> interfaces, GwBridgeAttachment gw) {

    /** One overlay interface and the id of the VTEP port ({@code TapPort.id()}) that serves it. */
    public record Port(InterfacePlan plan, int portId) {
    }

    public Attachment {
        interfaces = List.copyOf(interfaces);
    }

    public String taskId() {
        return plan.taskId();
    }

    public String name() {
        return plan.name();
    }

    public Path netns() {
        return plan.netns();
    }

    /** The VTEP's local ports for this task's interfaces. */
    public List<LocalPort> localPorts() {
        return interfaces.stream().map(p -> new LocalPort(p.plan().vni(), p.plan().mac(), p.portId())).toList();
    }

    /** The attachment as the local API answers it; {@code withNetns} for listings. */
    public Map<String, Object> toJson(boolean withNetns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", taskId());
        m.put("name", name());
        if (withNetns) {
            m.put("netns", netns().toString());
        }
        List<Map<String, Object>> ifaces = new ArrayList<>();
        interfaces.forEach(i -> ifaces.add(i.plan().toJson()));
        if (gw != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("interface", GwBridge.TASK_LINK);
            g.put("network", GwBridgeConfig.DEFAULT_BRIDGE);
            g.put("ip", Ipv4Address.toString(gw.address()));
            g.put("prefixLength", gw.prefixLength());
            g.put("mac", MacAddress.toString(gw.mac()));
            g.put("gateway", Ipv4Address.toString(gw.gateway()));
            // Docker's order: the gwbridge is eth1, after the first overlay.
            ifaces.add(Math.min(1, ifaces.size()), g);
        }
        m.put("interfaces", ifaces);
        return m;
    }
}
