package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.ClusterException;
import io.swarmnet.control.cluster.ClusterSnapshot;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.NetworkRequest;
import io.swarmnet.control.cluster.PortRequest;
import io.swarmnet.control.cluster.ServiceSpec;
import io.swarmnet.control.cluster.ServiceUpdate;
import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.RestartCondition;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.node.command.UserException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code swarmnet service}: services and their tasks, as {@code docker service} manages them. */
@Command(name = "service", mixinStandardHelpOptions = true, description = "Manage services.",
        subcommands = {ServiceCommand.Create.class, ServiceCommand.Ls.class, ServiceCommand.Inspect.class,
            ServiceCommand.Ps.class, ServiceCommand.Update.class, ServiceCommand.Scale.class, ServiceCommand.Rm.class})
public final class ServiceCommand {

    /** {@code service create}: allocates VIPs and ports and places the tasks; prints the ID. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            modelTransformer = CommandAfterOptions.class,
            description = {"Create a service; prints its ID.",
                "Usage as Docker's: service create [OPTIONS] IMAGE [COMMAND] [ARG...]. Each node's agent runs its tasks"
                        + " as containers of IMAGE through its Docker engine, with their networks plumbed before they start."
                        + " With --runtime process, the positionals are a host command that 'swarmnet lab' runs in each"
                        + " task's namespace instead (for tests)."})
    static final class Create extends ClusterCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Service name, a DNS label.")
        String name;

        @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks (default: 1).")
        Integer replicas;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "replicated",
                description = "replicated or global (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = {"-p", "--publish"}, paramLabel = "PORT", converter = OptionSyntax.Publish.class,
                description = "Publish a port: published=P,target=T[,protocol=udp][,mode=host][,proxy-protocol=v2]"
                        + " or [P:]T[/udp]. proxy-protocol=v2 (TCP, ingress mode) sends the client's address to the"
                        + " task in a PROXY protocol v2 header.")
        List<PortRequest> ports = new ArrayList<>();

        @Option(names = "--endpoint-mode", paramLabel = "MODE", defaultValue = "vip",
                description = "vip or dnsrr (default: ${DEFAULT-VALUE}).")
        String endpointMode;

        @Option(names = "--lb-scheduler", paramLabel = "SCHEDULER", defaultValue = "rr",
                description = "How new flows to the VIP pick a task: rr (round-robin), wrr (weighted round-robin) "
                        + "or maglev (consistent hashing of the client's address and port) (default: ${DEFAULT-VALUE}).")
        String lbScheduler;

        @Option(names = "--network", paramLabel = "NETWORK[,alias=A]", converter = OptionSyntax.Network.class,
                description = "Attach to a network, with optional aliases.")
        List<NetworkRequest> networks = new ArrayList<>();

        @Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "Set a label.")
        List<String> labels = new ArrayList<>();

        @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable.")
        List<String> env = new ArrayList<>();

        @Option(names = "--hostname", paramLabel = "NAME", description = "The tasks' hostname (default: the container's ID).")
        String hostname;

        @Option(names = "--restart-condition", paramLabel = "CONDITION", defaultValue = "any",
                description = "Restart a task whose container exited: any, on-failure or none (default: ${DEFAULT-VALUE}).")
        String restartCondition;

        @Option(names = "--stop-grace-period", paramLabel = "DURATION", defaultValue = "10s",
                description = "How long a task has to exit after SIGTERM before SIGKILL; on a scale-down the task is"
                        + " first drained for as long by 'service update' (default: ${DEFAULT-VALUE}).")
        String stopGracePeriod;

        @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "container",
                description = "container: tasks are containers of IMAGE; process: tasks are COMMAND, run by"
                        + " 'swarmnet lab' in a namespace (default: ${DEFAULT-VALUE}).")
        String runtime;

        @Parameters(paramLabel = "IMAGE [COMMAND] [ARG...]", arity = "0..*",
                description = "The image, then the command and arguments that replace its own.")
        List<String> positionals = new ArrayList<>();

        private ServiceSpec serviceSpec;

        @Override
        void validate() {
            ServiceMode serviceMode = mode(spec, mode);
            if (serviceMode == ServiceMode.GLOBAL && replicas != null) {
                throw new ParameterException(spec.commandLine(), "replicas can only be used with replicated mode");
            }
            ContainerSpec container = null;
            List<String> command = positionals;
            switch (runtime) {
                case "container" -> {
                    if (positionals.isEmpty()) {
                        throw new ParameterException(spec.commandLine(), "\"service create\" requires an IMAGE:"
                                + " service create [OPTIONS] IMAGE [COMMAND] [ARG...]");
                    }
                    container = containerSpec(spec, positionals.get(0), env, hostname, restartCondition, stopGracePeriod);
                    command = positionals.subList(1, positionals.size());
                }
                case "process" -> {
                    if (!env.isEmpty() || hostname != null) {
                        throw new ParameterException(spec.commandLine(), "--env and --hostname are for container tasks,"
                                + " not --runtime process");
                    }
                }
                default -> throw new ParameterException(spec.commandLine(), "invalid --runtime '" + runtime
                        + "': expected container or process");
            }
            serviceSpec = new ServiceSpec(name, serviceMode, replicas == null ? 1 : replicas, endpointMode(spec, endpointMode),
                    networks, ports, command, OptionSyntax.labels(spec, labels), lbScheduler(spec, lbScheduler), container);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            out().println(cluster.createService(serviceSpec).id());
            out().flush();
            return 0;
        }
    }

    static ContainerSpec containerSpec(CommandSpec spec, String image, List<String> env, String hostname,
                                       String restartCondition, String stopGracePeriod) {
        if (image.isBlank() || image.startsWith("-") || image.chars().anyMatch(Character::isWhitespace)) {
            throw new ParameterException(spec.commandLine(), "invalid image '" + image + "': give a reference such as nginx:1.25");
        }
        for (String e : env) {
            if (!e.contains("=") || e.startsWith("=")) {
                throw new ParameterException(spec.commandLine(), "invalid --env '" + e + "': expected KEY=VALUE");
            }
        }
        if (hostname != null && !hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})")) {
            throw new ParameterException(spec.commandLine(), "invalid --hostname '" + hostname
                    + "': use up to 63 letters, digits, '.' and '-'");
        }
        RestartCondition restart;
        try {
            restart = RestartCondition.parse(restartCondition);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --restart-condition '" + restartCondition
                    + "': expected any, on-failure or none");
        }
        return new ContainerSpec(image, env, hostname, restart, gracePeriod(spec, stopGracePeriod).toSeconds());
    }

    static Duration gracePeriod(CommandSpec spec, String text) {
        try {
            return OptionSyntax.duration(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --stop-grace-period: " + e.getMessage());
        }
    }

    /**
     * Swarm's order for a scale-down: the tasks to remove leave the load balancer and DNS
     * first, and are stopped once {@code grace} has passed; then the replicas change.
     */
    static Service scale(ClusterStore cluster, String ref, ServiceUpdate update, Duration grace) {
        Integer replicas = update.replicas();
        if (replicas != null && !grace.isZero() && replicas < cluster.read().service(ref).replicas()
                && !cluster.drainToReplicas(ref, replicas).isEmpty()) {
            sleep(grace);
        }
        return cluster.updateService(ref, update);
    }

    /** Lets {@code service create --name x sh -c 'y'} pass {@code -c} to the task, not to picocli. */
    static final class CommandAfterOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            commandSpec.parser().stopAtPositional(true);
            return commandSpec;
        }
    }

    /** {@code service ls}. */
    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List services.")
    static final class Ls extends ClusterCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display service IDs.")
        boolean quiet;

        @Option(names = "--format", paramLabel = "json", description = "json: one JSON object per service and line.")
        String format;

        @Override
        void validate() {
            Formats.json(spec, format);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            List<Service> services = snap.services();
            if (Formats.json(spec, format)) {
                Json.printLines(out(), services.stream().map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ID", s.id());
                    m.put("Name", s.name());
                    m.put("Mode", s.mode().label());
                    m.put("Replicas", replicas(snap, s));
                    m.put("Ports", ports(s.ports()));
                    return m;
                }).toList());
            } else if (quiet) {
                services.forEach(s -> out().println(Formats.shortId(s.id())));
                out().flush();
            } else {
                Table table = new Table("ID", "NAME", "MODE", "REPLICAS", "PORTS");
                services.forEach(s -> table.row(Formats.shortId(s.id()), s.name(), s.mode().label(), replicas(snap, s), ports(s.ports())));
                table.print(out());
            }
            return 0;
        }
    }

    /** {@code service inspect}: docker's JSON shape. */
    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Display detailed information on services.")
    static final class Inspect extends ClusterCommand {
        @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Names, IDs or ID prefixes.")
        List<String> refs;

        @Option(names = "--format", paramLabel = "json", description = "json: one compact JSON object per line.")
        String format;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            return inspectEach(refs, format, ref -> inspect(snap, snap.service(ref)));
        }
    }

    /** {@code service ps}: the tasks of services. */
    @Command(name = "ps", mixinStandardHelpOptions = true, description = "List the tasks of services.")
    static final class Ps extends ClusterCommand {
        @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Names, IDs or ID prefixes.")
        List<String> refs;

        @Option(names = {"-q", "--quiet"}, description = "Only display task IDs.")
        boolean quiet;

        @Option(names = "--format", paramLabel = "json", description = "json: one JSON object per task and line, with its addresses.")
        String format;

        @Override
        void validate() {
            Formats.json(spec, format);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            List<Service> services = new ArrayList<>();
            for (String ref : refs) {
                services.add(snap.service(ref));
            }
            List<Task> tasks = services.stream().flatMap(s -> snap.tasksOf(s.id()).stream()).toList();
            if (Formats.json(spec, format)) {
                Json.printLines(out(), tasks.stream().map(t -> taskLine(snap, t)).toList());
            } else if (quiet) {
                tasks.forEach(t -> out().println(Formats.shortId(t.id())));
                out().flush();
            } else {
                Table table = new Table("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS");
                long now = System.currentTimeMillis();
                for (Task t : tasks) {
                    Service s = snap.serviceById(t.serviceId()).orElseThrow();
                    table.row(Formats.shortId(t.id()), taskName(s, t), image(s), hostname(snap, t.nodeId()), desiredState(t),
                            currentState(snap, t, now), errorColumn(snap, t), ports(hostPorts(s)));
                }
                table.print(out());
            }
            return 0;
        }
    }

    /** {@code service update}: scale, publish, withdraw, change the endpoint mode. */
    @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false, description = "Update a service.")
    static final class Update extends ClusterCommand {
        @Parameters(paramLabel = "SERVICE", description = "Name, ID or ID prefix.")
        String ref;

        @Option(names = "--replicas", paramLabel = "N", description = "Number of tasks.")
        Integer replicas;

        @Option(names = "--publish-add", paramLabel = "PORT", converter = OptionSyntax.Publish.class,
                description = "Publish a port, in --publish syntax.")
        List<PortRequest> publishAdd = new ArrayList<>();

        @Option(names = "--publish-rm", paramLabel = "PORT", converter = OptionSyntax.PublishSelector.class,
                description = "Withdraw published ports: by target port, or in --publish syntax.")
        List<PortRequest> publishRm = new ArrayList<>();

        @Option(names = "--endpoint-mode", paramLabel = "MODE", description = "vip or dnsrr.")
        String endpointMode;

        @Option(names = "--lb-scheduler", paramLabel = "SCHEDULER", description = "rr, wrr or maglev; open flows keep their task.")
        String lbScheduler;

        @Option(names = "--image", paramLabel = "IMAGE", description = "Run the tasks' containers from IMAGE: each node"
                + " replaces its tasks' containers, one at a time.")
        String image;

        @Option(names = "--stop-grace-period", paramLabel = "DURATION", defaultValue = "10s",
                description = "On a scale-down, how long the tasks to remove are drained first: they take no new"
                        + " connections and leave the DNS answers while their open ones go on; then they are removed"
                        + " (e.g. 10s, 1m30s, 0s for at once; default: ${DEFAULT-VALUE}).")
        String stopGracePeriod;

        private ServiceUpdate update;
        private Duration grace;

        @Override
        void validate() {
            update = new ServiceUpdate(replicas, endpointMode == null ? null : endpointMode(spec, endpointMode), publishAdd, publishRm,
                    lbScheduler == null ? null : lbScheduler(spec, lbScheduler), image);
            grace = gracePeriod(spec, stopGracePeriod);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            out().println(scale(cluster, ref, update, grace).name());
            out().flush();
            return 0;
        }
    }

    /** {@code service scale web=6 api=2}: as {@code service update --replicas}, for each pair; goes on after one that fails. */
    @Command(name = "scale", mixinStandardHelpOptions = true, description = "Scale one or more replicated services.")
    static final class Scale extends ClusterCommand {
        @Parameters(paramLabel = "SERVICE=REPLICAS", arity = "1..*", description = "Names, IDs or ID prefixes and task counts.")
        List<String> pairs;

        @Option(names = "--stop-grace-period", paramLabel = "DURATION", defaultValue = "10s",
                description = "On a scale-down, how long the tasks to remove are drained first (default: ${DEFAULT-VALUE}).")
        String stopGracePeriod;

        private final Map<String, Integer> replicas = new LinkedHashMap<>();
        private Duration grace;

        @Override
        void validate() {
            for (String pair : pairs) {
                int eq = pair.lastIndexOf('=');
                String n = eq < 0 ? "" : pair.substring(eq + 1);
                if (eq <= 0 || !n.matches("[0-9]{1,9}")) {
                    throw new ParameterException(spec.commandLine(), "invalid scale specifier '" + pair
                            + "': expected SERVICE=REPLICAS, e.g. web=6");
                }
                replicas.put(pair.substring(0, eq), Integer.parseInt(n));
            }
            grace = gracePeriod(spec, stopGracePeriod);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            int failed = 0;
            for (Map.Entry<String, Integer> e : replicas.entrySet()) {
                try {
                    scale(cluster, e.getKey(), ServiceUpdate.scale(e.getValue()), grace);
                    out().println(e.getKey() + " scaled to " + e.getValue());
                } catch (ClusterException ex) {
                    error(ex.getMessage());
                    failed++;
                }
            }
            out().flush();
            return failed == 0 ? 0 : 1;
        }
    }

    /** {@code service rm}: prints each service removed, goes on after one that cannot be. */
    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true, description = "Remove services.")
    static final class Rm extends ClusterCommand {
        @Parameters(paramLabel = "SERVICE", arity = "1..*", description = "Names, IDs or ID prefixes.")
        List<String> refs;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            return removeEach(refs, cluster::removeService);
        }
    }

    static ServiceMode mode(CommandSpec spec, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "replicated" -> ServiceMode.REPLICATED;
            case "global" -> ServiceMode.GLOBAL;
            default -> throw new ParameterException(spec.commandLine(), "invalid --mode '" + text + "': expected replicated or global");
        };
    }

    static EndpointMode endpointMode(CommandSpec spec, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "vip" -> EndpointMode.VIP;
            case "dnsrr" -> EndpointMode.DNSRR;
            default -> throw new ParameterException(spec.commandLine(), "invalid --endpoint-mode '" + text + "': expected vip or dnsrr");
        };
    }

    static LbScheduler lbScheduler(CommandSpec spec, String text) {
        try {
            return LbScheduler.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --lb-scheduler '" + text + "': expected rr, wrr or maglev");
        }
    }

    /** {@code running/desired}, counting tasks that run on ready nodes. */
    static String replicas(ClusterSnapshot snap, Service s) {
        List<Task> tasks = snap.tasksOf(s.id());
        long running = tasks.stream().filter(t -> t.state() == TaskState.RUNNING && snap.ready(t.nodeId())).count();
        int desired = s.mode() == ServiceMode.GLOBAL ? tasks.size() : s.replicas();
        return running + "/" + desired;
    }

    /** Docker's port column: {@code *:8080->80/tcp, *:30000->53/udp}. */
    static String ports(List<PublishedPort> ports) {
        return ports.stream().map(p -> "*:" + p.published() + "->" + p.target() + "/" + p.protocol().label())
                .collect(Collectors.joining(", "));
    }

    static List<PublishedPort> hostPorts(Service s) {
        return s.ports().stream().filter(p -> p.mode() == PublishMode.HOST).toList();
    }

    /** {@code web.2} for a replica, {@code web.<node id>} for a global task, as docker names them. */
    static String taskName(Service s, Task t) {
        return s.name() + "." + (s.mode() == ServiceMode.GLOBAL ? t.nodeId() : Integer.toString(t.slot()));
    }

    static String hostname(ClusterSnapshot snap, String nodeId) {
        return snap.nodeById(nodeId).map(Node::hostname).orElse(Formats.shortId(nodeId));
    }

    static String desiredState(Task t) {
        return t.state() == TaskState.RUNNING ? "Running" : "Shutdown";
    }

    /**
     * As Docker prints it: what the task's node last reported and how long ago ("Running 5
     * seconds ago"); for the lab's host-command tasks, which no node reports, the desired state.
     */
    static String currentState(ClusterSnapshot snap, Task t, long nowMillis) {
        if (!snap.ready(t.nodeId())) {
            return "Unknown (node down)";
        }
        Service s = snap.serviceById(t.serviceId()).orElse(null);
        if (s == null || s.container() == null) {
            return t.state() == TaskState.RUNNING ? "Running" : "Draining";
        }
        return snap.report(t.id()).map(r -> r.state().display() + " " + Formats.ago(nowMillis - r.sinceMillis()))
                .orElse("Assigned");
    }

    static String errorColumn(ClusterSnapshot snap, Task t) {
        return snap.report(t.id()).map(TaskReport::error).map(ServiceCommand::quotedError).orElse("");
    }

    /** Docker quotes the error and cuts it to fit a line. */
    private static String quotedError(String error) {
        String oneLine = error.replace('\n', ' ');
        return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 59) + "…" : oneLine) + "\"";
    }

    static String image(Service s) {
        return s.container() == null ? "" : s.container().image();
    }

    static Map<String, Object> taskLine(ClusterSnapshot snap, Task t) {
        Service s = snap.serviceById(t.serviceId()).orElseThrow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", t.id());
        m.put("Name", taskName(s, t));
        m.put("ServiceID", s.id());
        m.put("Slot", t.slot());
        m.put("Node", hostname(snap, t.nodeId()));
        m.put("NodeID", t.nodeId());
        m.put("DesiredState", desiredState(t));
        m.put("Image", image(s));
        m.put("CurrentState", currentState(snap, t, System.currentTimeMillis()));
        m.put("Error", snap.report(t.id()).map(TaskReport::error).orElse(""));
        m.put("Ports", ports(hostPorts(s)));
        List<Map<String, Object>> addresses = new ArrayList<>();
        for (TaskEndpoint e : t.endpoints()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("Network", snap.networkById(e.networkId()).map(Network::name).orElse(e.networkId()));
            a.put("NetworkID", e.networkId());
            a.put("Address", e.ip());
            a.put("MAC", e.mac());
            addresses.add(a);
        }
        m.put("Addresses", addresses);
        return m;
    }

    static Map<String, Object> inspect(ClusterSnapshot snap, Service s) {
        List<Map<String, Object>> ports = new ArrayList<>();
        for (PublishedPort p : s.ports()) {
            Map<String, Object> port = new LinkedHashMap<>();
            port.put("Protocol", p.protocol().label());
            port.put("TargetPort", p.target());
            port.put("PublishedPort", p.published());
            port.put("PublishMode", p.mode().label());
            if (p.proxied()) {
                port.put("ProxyProtocol", p.proxyProtocol());
            }
            ports.add(port);
        }
        Map<String, Object> endpointSpec = new LinkedHashMap<>();
        endpointSpec.put("Mode", s.endpointMode().label());
        endpointSpec.put("LbScheduler", s.lbScheduler().label());
        endpointSpec.put("Ports", ports);
        List<Map<String, Object>> networks = new ArrayList<>();
        List<Map<String, Object>> vips = new ArrayList<>();
        for (NetworkAttachment a : s.networks()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("Target", a.networkId());
            n.put("Aliases", a.aliases());
            networks.add(n);
            if (a.vip() != null) {
                String prefix = snap.networkById(a.networkId()).map(Network::subnet).map(sub -> sub.substring(sub.indexOf('/'))).orElse("");
                Map<String, Object> vip = new LinkedHashMap<>();
                vip.put("NetworkID", a.networkId());
                vip.put("Addr", a.vip() + prefix);
                vips.add(vip);
            }
        }
        Map<String, Object> taskTemplate = new LinkedHashMap<>();
        Map<String, Object> containerSpec = new LinkedHashMap<>();
        if (s.container() != null) {
            containerSpec.put("Image", s.container().image());
            containerSpec.put("Env", s.container().env());
            if (s.container().hostname() != null) {
                containerSpec.put("Hostname", s.container().hostname());
            }
            containerSpec.put("StopGracePeriod", s.container().stopGracePeriodSeconds() * 1_000_000_000L);
        }
        containerSpec.put("Command", s.command());
        taskTemplate.put("ContainerSpec", containerSpec);
        if (s.container() != null) {
            taskTemplate.put("RestartPolicy", Map.of("Condition", s.container().restartCondition().label()));
        }
        taskTemplate.put("Networks", networks);
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("Name", s.name());
        specMap.put("Labels", s.labels());
        specMap.put("TaskTemplate", taskTemplate);
        specMap.put("Mode", s.mode() == ServiceMode.GLOBAL ? Map.of("Global", Map.of())
                : Map.of("Replicated", Map.of("Replicas", s.replicas())));
        specMap.put("EndpointSpec", endpointSpec);
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("Spec", endpointSpec);
        endpoint.put("Ports", ports);
        endpoint.put("VirtualIPs", vips);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id());
        m.put("Spec", specMap);
        m.put("Endpoint", endpoint);
        return m;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while the tasks drained; run the update again to finish it");
        }
    }
}
