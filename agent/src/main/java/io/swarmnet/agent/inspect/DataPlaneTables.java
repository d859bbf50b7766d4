package io.swarmnet.agent.inspect;

import io.swarmnet.agent.api.ApiException;
import io.swarmnet.agent.overlay.OverlayDataPlane;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The live data-plane tables of this node as rows for {@code swarmnet dp show}: what the
 * packet path forwards by right now (the VTEP's published snapshot), not what the control
 * plane wishes; the two differ only while a change is being applied.
 */
public final class DataPlaneTables {
    private final Map<String, Supplier<List<Map<String, Object>>>> tables = new TreeMap<>();

    public DataPlaneTables(OverlayDataPlane plane) {
        tables.put("fdb", () -> fdb(plane));
        tables.put("arp", () -> arp(plane));
        tables.put("ports", plane::ports);
    }

    /** Adds a table another part of the data plane owns (the load balancer's, the resolver's). */
    public DataPlaneTables with(String name, Supplier<List<Map<String, Object>>> rows) {
        tables.put(name, rows);
        return this;
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
