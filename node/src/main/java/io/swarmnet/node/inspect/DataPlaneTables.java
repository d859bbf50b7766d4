package io.swarmnet.node.inspect;

import io.swarmnet.lb.conntrack.ConntrackTable;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.overlay.OverlayDataPlane;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The live data-plane tables of this node as rows for {@code swarmnet dp show}: what the
 * packet path forwards by right now (the VTEP's published snapshot), not what the control
 * plane wishes; the two differ only while a change is being applied.
 */
public final class DataPlaneTables {
    /** The tables an agent may have; which it has depends on what runs there. */
    public static final List<String> NAMES = List.of("fdb", "arp", "services", "conntrack", "ports", "dns");

    private final Map<String, Supplier<List<Map<String, Object>>>> tables = new TreeMap<>();

    /** Rows of at most this many flows: a full conntrack table is millions, and a terminal is not. */
    static final int MAX_CONNTRACK_ROWS = 10_000;

    public DataPlaneTables(OverlayDataPlane plane) {
        tables.put("fdb", () -> fdb(plane));
        tables.put("arp", () -> arp(plane));
        tables.put("ports", plane::ports);
        tables.put("services", () -> services(plane));
        tables.put("conntrack", () -> conntrack(plane));
        tables.put("dns", () -> dns(plane));
    }

    /** The table's rows; 404 for a table this agent does not have. */
    public List<Map<String, Object>> rows(String table) {
        Supplier<List<Map<String, Object>>> rows = tables.get(table);
        if (rows == null) {
            throw new ApiException(404, "no data-plane table " + table + "; tables: " + String.join(", ", tables.keySet()));
        }
        return rows.get();
    }

    /** Like {@code bridge fdb}: every MAC per network, behind a local port or a remote VTEP. */
    private static List<Map<String, Object>> fdb(OverlayDataPlane plane) {
        OverlayTables t = plane.vtep().tables();
        Map<Integer, String> names = plane.networkNames();
        Map<Integer, String> portNames = new HashMap<>();
        for (Map<String, Object> p : plane.ports()) {
            portNames.put((Integer) p.get("port"), p.get("task") + " " + p.get("interface"));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (NetworkTable n : t.networks()) {
            String network = names.getOrDefault(n.vni(), "vni " + n.vni());
            n.forEachLocalPort((mac, port) -> {
                String owner = portNames.get((int) port);
                rows.add(row(network, n.vni(), MacAddress.toString(mac), "port " + port + (owner == null ? "" : " (" + owner + ")")));
            });
            n.forEachRemote((mac, vtep) -> rows.add(row(network, n.vni(), MacAddress.toString(mac),
                    "vtep " + Ipv4Address.toString((int) vtep))));
        }
        rows.sort(Comparator.comparing((Map<String, Object> r) -> (Integer) r.get("vni")).thenComparing(r -> (String) r.get("mac")));
        return rows;
    }

    private static Map<String, Object> row(String network, int vni, String mac, String via) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("network", network);
        row.put("vni", vni);
        row.put("mac", mac);
        row.put("via", via);
        return row;
    }

    /** Like {@code ipvsadm -Ln}: every VIP in force, its scheduler and its backends with their flows. */
    private static List<Map<String, Object>> services(OverlayDataPlane plane) {
        Map<Integer, String> names = plane.networkNames();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (VirtualServer v : plane.vtep().loadBalancer().table().services()) {
            for (Backend b : v.backends()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("service", v.name());
                row.put("network", names.getOrDefault(v.vni(), "vni " + v.vni()));
                row.put("vip", Ipv4Address.toString(v.vip()));
                row.put("scheduler", v.schedulerType().name().toLowerCase(Locale.ROOT));
                row.put("backend", Ipv4Address.toString(b.ip()));
                row.put("via", b.localPort() != Backend.REMOTE ? "port " + b.localPort() : "vtep " + Ipv4Address.toString(b.vtep()));
                row.put("state", b.state().name().toLowerCase(Locale.ROOT));
                row.put("weight", b.weight());
                row.put("activeFlows", b.counters().activeFlows());
                row.put("picks", b.counters().picks());
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Like {@code conntrack -L}: the load balancer's tracked flows, read on the event loop
     * that owns the table so every row is one consistent flow; at most {@link #MAX_CONNTRACK_ROWS}.
     */
    private static List<Map<String, Object>> conntrack(OverlayDataPlane plane) {
        Map<Integer, String> names = plane.networkNames();
        try {
            return plane.vtep().onEventLoop(() -> {
                ConntrackTable ct = plane.vtep().loadBalancer().conntrack();
                long now = System.nanoTime();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int slot = 0; slot < ct.slots() && rows.size() < MAX_CONNTRACK_ROWS; slot++) {
                    int state = ct.state(slot);
                    if (state == ConntrackTable.FREE) {
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("network", names.getOrDefault(ct.vni(slot), "vni " + ct.vni(slot)));
                    row.put("protocol", ct.protocol(slot) == 6 ? "tcp" : ct.protocol(slot) == 17 ? "udp" : "ip " + ct.protocol(slot));
                    row.put("client", Ipv4Address.toString(ct.clientIp(slot)) + ":" + ct.clientPort(slot));
                    row.put("vip", Ipv4Address.toString(ct.vip(slot)) + ":" + ct.vipPort(slot));
                    row.put("backend", Ipv4Address.toString(ct.backendIp(slot)));
                    row.put("state", stateName(state));
                    row.put("expiresInSeconds", Math.max(0, (ct.expires(slot) - now) / 1_000_000_000L));
                    rows.add(row);
                }
                return rows;
            });
        } catch (IOException e) {
            throw new ApiException(503, "cannot read the conntrack table: " + e.getMessage());
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case ConntrackTable.UDP -> "udp";
            case ConntrackTable.TCP_SYN_SENT -> "syn_sent";
            case ConntrackTable.TCP_SYN_RECV -> "syn_recv";
            case ConntrackTable.TCP_ESTABLISHED -> "established";
            case ConntrackTable.TCP_FIN_WAIT -> "fin_wait";
            case ConntrackTable.TCP_CLOSE -> "close";
            default -> "state " + state;
        };
    }

    /** The names the embedded resolver answers, per network: A, PTR and SRV. */
    private static List<Map<String, Object>> dns(OverlayDataPlane plane) {
        List<Map<String, Object>> rows = new ArrayList<>();
        plane.resolvers().records().entries().forEach((key, record) -> {
            List<String> answers = new ArrayList<>();
            record.addresses().forEach(a -> answers.add(Ipv4Address.toString(a)));
            answers.addAll(record.pointers());
            record.services().forEach(srv -> answers.add(srv.target() + ":" + srv.port()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("network", plane.networkName(key.networkId()));
            row.put("name", key.name());
            row.put("type", !record.services().isEmpty() ? "SRV" : !record.pointers().isEmpty() ? "PTR" : "A");
            row.put("answers", answers);
            rows.add(row);
        });
        rows.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("network"))
                .thenComparing(r -> (String) r.get("name")));
        return rows;
    }

    /** Like {@code ip neigh}: the addresses the ARP responder answers, per network. */
    private static List<Map<String, Object>> arp(OverlayDataPlane plane) {
        OverlayTables t = plane.vtep().tables();
        Map<Integer, String> names = plane.networkNames();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<long[]> entries = new ArrayList<>();
        for (NetworkTable n : t.networks()) {
            entries.clear();
            n.forEachArp((ip, mac) -> entries.add(new long[] {ip & 0xFFFFFFFFL, mac}));
            entries.sort(Comparator.comparingLong(e -> e[0]));
            for (long[] e : entries) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("network", names.getOrDefault(n.vni(), "vni " + n.vni()));
                row.put("vni", n.vni());
                row.put("ip", Ipv4Address.toString((int) e[0]));
                row.put("mac", MacAddress.toString(e[1]));
                rows.add(row);
            }
        }
        return rows;
    }
}
