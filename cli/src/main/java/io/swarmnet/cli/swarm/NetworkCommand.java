package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.ClusterSnapshot;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.NetworkSpec;
import io.swarmnet.control.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code swarmnet network}: overlay networks, as {@code docker network} manages them on a swarm. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Manage overlay networks.",
        subcommands = {NetworkCommand.Create.class, NetworkCommand.Ls.class, NetworkCommand.Inspect.class, NetworkCommand.Rm.class})
public final class NetworkCommand {
    static final String MTU_OPTION = "com.docker.network.driver.mtu";
    static final String ENCRYPTED_OPTION = "encrypted";

    /** {@code network create}: allocates a VNI, a subnet (unless given) and the gateway. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create an overlay network; prints its ID.")
    static final class Create extends ClusterCommand {
        @Parameters(paramLabel = "NETWORK", description = "The network's name.")
        String name;

        @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", defaultValue = "overlay",
                description = "Driver: overlay, the only one (default: ${DEFAULT-VALUE}).")
        String driver;

        @Option(names = "--subnet", paramLabel = "CIDR", description = "IPv4 subnet, e.g. 10.0.9.0/24 (default: the next free /24 of 10.0.0.0/8).")
        String subnet;

        @Option(names = "--gateway", paramLabel = "IP", description = "Gateway inside --subnet (default: its first address).")
        String gateway;

        @Option(names = "--attachable", description = "Let standalone tasks attach.")
        boolean attachable;

        @Option(names = "--internal", description = "No egress: tasks get no docker_gwbridge interface.")
        boolean internal;

        @Option(names = "--ingress", description = "Make it the routing mesh's network (one per cluster).")
        boolean ingress;

        @Option(names = {"-o", "--opt"}, paramLabel = "KEY[=VALUE]",
                description = "Driver option: encrypted, or com.docker.network.driver.mtu=N.")
        List<String> options = new ArrayList<>();

        @Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "Set a label.")
        List<String> labels = new ArrayList<>();

        private boolean encrypted;
        private int mtu;
        private Map<String, String> labelMap;

        @Override
        void validate() {
            if (!"overlay".equals(driver)) {
                throw new ParameterException(spec.commandLine(), "driver " + driver + " is not supported: swarmnet networks are overlay");
            }
            for (String option : options) {
                int eq = option.indexOf('=');
                String key = eq < 0 ? option : option.substring(0, eq);
                String value = eq < 0 ? "" : option.substring(eq + 1);
                if (key.equals(ENCRYPTED_OPTION) && (value.isEmpty() || value.equals("true"))) {
                    encrypted = true;
                } else if (key.equals(MTU_OPTION)) {
                    try {
                        mtu = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new ParameterException(spec.commandLine(), "invalid " + MTU_OPTION + " '" + value + "': expected a number");
                    }
                } else {
                    throw new ParameterException(spec.commandLine(), "unsupported network option '" + option
                            + "': swarmnet takes " + ENCRYPTED_OPTION + " and " + MTU_OPTION + "=N");
                }
            }
            labelMap = OptionSyntax.labels(spec, labels);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions storeOptions) {
            Network network = cluster.createNetwork(new NetworkSpec(name, subnet, gateway, attachable, internal, ingress,
                    encrypted, mtu, labelMap));
            out().println(network.id());
            out().flush();
            return 0;
        }
    }

    /** {@code network ls}. */
    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List networks.")
    static final class Ls extends ClusterCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display network IDs.")
        boolean quiet;

        @Option(names = "--format", paramLabel = "json", description = "json: one JSON object per network and line.")
        String format;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            List<Network> networks = cluster.read().networks();
            if (Formats.json(spec, format)) {
                Json.printLines(out(), networks.stream().map(NetworkCommand::line).toList());
            } else if (quiet) {
                networks.forEach(n -> out().println(Formats.shortId(n.id())));
                out().flush();
            } else {
                Table table = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE");
                networks.forEach(n -> table.row(Formats.shortId(n.id()), n.name(), n.driver(), "swarm"));
                table.print(out());
            }
            return 0;
        }
    }

    /** {@code network inspect}: docker's JSON shape. */
    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Display detailed information on networks.")
    static final class Inspect extends ClusterCommand {
        @Parameters(paramLabel = "NETWORK", arity = "1..*", description = "Names, IDs or ID prefixes.")
        List<String> refs;

        @Option(names = "--format", paramLabel = "json", description = "json: one compact JSON object per line.")
        String format;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            return inspectEach(refs, format, ref -> inspect(snap.network(ref)));
        }
    }

    /** {@code network rm}: prints each network removed, goes on after one that cannot be. */
    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove networks.")
    static final class Rm extends ClusterCommand {
        @Parameters(paramLabel = "NETWORK", arity = "1..*", description = "Names, IDs or ID prefixes.")
        List<String> refs;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            return removeEach(refs, cluster::removeNetwork);
        }
    }

    static Map<String, Object> line(Network n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", n.id());
        m.put("Name", n.name());
        m.put("Driver", n.driver());
        m.put("Scope", "swarm");
        m.put("Subnet", n.subnet());
        m.put("Gateway", n.gateway());
        m.put("VNI", n.vni());
        m.put("Attachable", n.attachable());
        m.put("Internal", n.internal());
        m.put("Ingress", n.ingress());
        m.put("Labels", n.labels());
        return m;
    }

    static Map<String, Object> inspect(Network n) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Subnet", n.subnet());
        config.put("Gateway", n.gateway());
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("Driver", "default");
        ipam.put("Options", null);
        ipam.put("Config", List.of(config));
        Map<String, String> driverOptions = new LinkedHashMap<>();
        driverOptions.put("com.docker.network.driver.overlay.vxlanid_list", Integer.toString(n.vni()));
        if (n.mtu() != 0) {
            driverOptions.put(MTU_OPTION, Integer.toString(n.mtu()));
        }
        if (n.encrypted()) {
            driverOptions.put(ENCRYPTED_OPTION, "");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        m.put("Scope", "swarm");
        m.put("Driver", n.driver());
        m.put("EnableIPv6", false);
        m.put("IPAM", ipam);
        m.put("Internal", n.internal());
        m.put("Attachable", n.attachable());
        m.put("Ingress", n.ingress());
        m.put("Options", driverOptions);
        m.put("Labels", n.labels());
        return m;
    }
}
