package io.swarmnet.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.cli.swarm.Json;
import io.swarmnet.cli.swarm.StoreOptions;
import io.swarmnet.cli.swarm.Table;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.command.UserException;
import io.swarmnet.node.inspect.DataPlaneTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swarmnet dp}: a node's live data-plane tables, as {@code bridge fdb} and {@code ipvsadm -Ln} show the kernel's. */
@Command(name = "dp", mixinStandardHelpOptions = true, description = "Inspect a node's data plane.",
        subcommands = DpCommand.Show.class)
public final class DpCommand {
    /** {@code dp show TABLE}. */
    @Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Shows one live table of a node's data plane:",
                "fdb        MAC to local port or remote VTEP, per network",
                "arp        the addresses the ARP responder answers, per network",
                "services   service VIPs and their backends",
                "conntrack  the load balancer's tracked flows",
                "ports      the VTEP's local ports: task interfaces",
                "dns        the names the embedded resolver answers"})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TABLE", description = "fdb, arp, services, conntrack, ports or dns.")
        String table;

        @Option(names = "--node", paramLabel = "NODE",
                description = "The node (hostname, ID, or a lab host like w1) whose agent answers; its agent must run on"
                        + " this host (default: the agent under --data-root).")
        String node;

        @Option(names = "--format", paramLabel = "json", description = "json: one JSON object per row and line.")
        String format;

        @Override
        public Integer call() throws IOException {
            if (!DataPlaneTables.NAMES.contains(table)) {
                throw new ParameterException(spec.commandLine(), "unknown table '" + table + "': it must be one of "
                        + String.join(", ", DataPlaneTables.NAMES));
            }
            if (format != null && !format.equals("json")) {
                throw new ParameterException(spec.commandLine(), "--format must be json, not '" + format + "'");
            }
            ApiClient agent = LocalAgents.find(StoreOptions.of(spec).dataRoot(), node);
            JsonNode rows;
            try {
                rows = agent.call("GET", "/v1/dp/" + table, null);
            } catch (ApiException e) {
                throw new UserException(e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            List<JsonNode> list = new ArrayList<>();
            rows.forEach(list::add);
            if (format != null) {
                Json.printLines(out, list);
                return 0;
            }
            if (list.isEmpty()) {
                out.println("(no entries)");
                out.flush();
                return 0;
            }
            List<String> columns = new ArrayList<>();
            list.get(0).fieldNames().forEachRemaining(columns::add);
            Table t = new Table(columns.stream().map(c -> c.toUpperCase(Locale.ROOT)).toArray(String[]::new));
            for (JsonNode row : list) {
                String[] cells = new String[columns.size()];
                for (int i = 0; i < cells.length; i++) {
                    JsonNode cell = row.get(columns.get(i));
                    cells[i] = cell == null || cell.isNull() ? "" : cell.isContainerNode() ? join(cell) : cell.asText();
                }
                t.row(cells);
            }
            t.print(out);
            return 0;
        }

        private static String join(JsonNode container) {
            List<String> parts = new ArrayList<>();
            Iterator<JsonNode> it = container.elements();
            it.forEachRemaining(e -> parts.add(e.isContainerNode() ? e.toString() : e.asText()));
            return String.join(",", parts);
        }
    }
}
