package io.swarmnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.task.AgentApiTaskNetwork;
import io.swarmnet.node.task.NamespaceTaskRuntime;
import io.swarmnet.node.task.RunningTask;
import io.swarmnet.node.task.Sandbox;
import io.swarmnet.node.task.TaskLauncher;
import io.swarmnet.node.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs services in a lab the way swarm's workers run containers: the service and its
 * tasks are created in the lab's etcd (so the control plane places and addresses them),
 * and for every task on host H the lab starts it with the node's {@link TaskLauncher}: a
 * {@link NamespaceTaskRuntime} makes its namespace {@code <lab>-H-<service>.<slot>}, H's
 * agent attaches it ({@code POST /v1/tasks/attach}), then the service's command starts in it.
 *
 * <p>Every change ends in {@link #converge}: it compares the tasks the store wants with
 * the tasks the lab runs (their records under {@code <state>/tasks/}) and stops, detaches
 * and removes the ones nobody wants before it starts the missing ones, so a scale, a rm or
 * a deploy interrupted half way is finished by the next command on that service.
 */
public final class LabTasks {
    /** Label on the services and default networks {@code lab deploy} creates: the lab's name. */
    static final String LAB_LABEL = "io.swarmnet.lab";
    static final String DEFAULT_NETWORK_SUFFIX = "_default";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // A task JVM is small; several of them share two cores with the agents.
    private static final List<String> TASK_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m");

    private final Lab lab;
    private final LabCluster cluster;
    private final Path recordsDir;

    private LabTasks(Lab lab) {
        this.lab = lab;
        this.cluster = new LabCluster(lab);
        this.recordsDir = lab.stateDir().resolve("tasks");
    }

    /**
     * The tasks of a running lab.
     *
     * @throws LabException when the lab runs no agents
     */
    public static LabTasks open(Lab lab) {
        if (!lab.agents()) {
            throw new LabException("lab '" + lab.name() + "' runs no agents, and tasks attach through them: "
                    + "bring it up without --no-agents");
        }
        return new LabTasks(lab);
    }

    /** The networks of the lab's cluster, as {@code swarmnet network ls --format json} prints them. */
    public List<JsonNode> networks() {
        return cluster.lines("network", "ls", "--format", "json");
    }

    /** The service's VIPs, {@code 10.0.1.2} and on, as {@code service inspect} shows them (without prefix length). */
    public List<String> vips(String service) {
        List<String> vips = new ArrayList<>();
        for (JsonNode s : cluster.lines("service", "inspect", service, "--format", "json")) {
            for (JsonNode v : s.path("Endpoint").path("VirtualIPs")) {
                String addr = v.path("Addr").asText();
                vips.add(addr.contains("/") ? addr.substring(0, addr.indexOf('/')) : addr);
            }
        }
        return vips;
    }

    /**
     * Creates the service (and, with no network given, its own attachable overlay
     * {@code <service>_default}, as {@code docker stack deploy} does) and starts its tasks.
     *
     * @return the service's tasks, by slot
     * @throws LabException when the store refuses the service or a task cannot be started
     */
    public List<LabTask> deploy(DeploySpec spec) {
        List<JsonNode> networks = networks();
        if (networks.stream().noneMatch(n -> n.path("Ingress").asBoolean())) {
            ensureInitialized();
        }
        String network = spec.network();
        boolean ownNetwork = network == null;
        if (ownNetwork) {
            network = spec.service() + DEFAULT_NETWORK_SUFFIX;
            String name = network;
            if (networks.stream().noneMatch(n -> n.path("Name").asText().equals(name))) {
                CommandRunner.Result r = cluster.run("network", "create", "--attachable", "--label", LAB_LABEL + "=" + lab.name(), name);
                if (!r.ok() && !LabCluster.error(r).contains("already exists")) {
                    throw new LabException("cannot create network " + name + ": " + LabCluster.error(r));
                }
            }
        }
        List<String> args = new ArrayList<>(List.of("service", "create", "--runtime", "process", "--name", spec.service(),
                "--replicas", Integer.toString(spec.replicas()), "--network", network, "--label", LAB_LABEL + "=" + lab.name()));
        for (String p : spec.ports()) {
            args.addAll(List.of("--publish", p));
        }
        args.add("--");
        args.addAll(spec.command());
        CommandRunner.Result created = cluster.run(args);
        if (!created.ok()) {
            String why = LabCluster.error(created);
            if (ownNetwork && !why.contains("already exists")) {
                removeOwnNetwork(network);
            }
            throw new LabException(why);
        }
        return converge(spec.service());
    }

    /**
     * Sets the service's replicas and starts or stops tasks to match.
     *
     * @return the service's tasks after the change, by slot
     */
    public List<LabTask> scale(String service, int replicas) {
        DeploySpec.validateReplicas(replicas);
        // The lab stops what a scale-down removes at once; 'service update' drains it first.
        cluster.check("service", "update", service, "--replicas", Integer.toString(replicas), "--stop-grace-period", "0s");
        return converge(service);
    }

    /**
     * Stops and removes every task of the service, the service, and its own default
     * network. A service the store no longer has is not an error while the lab still runs
     * tasks of it: those are removed.
     *
     * @return the tasks removed
     * @throws LabException naming the service when there is nothing of it at all
     */
    public List<LabTask> remove(String service) {
        List<LabTask> running = tasks(service);
        CommandRunner.Result r = cluster.run("service", "rm", service);
        boolean inStore = r.ok();
        if (!inStore && !LabCluster.error(r).startsWith("No such service")) {
            throw new LabException(LabCluster.error(r));
        }
        if (!inStore && running.isEmpty() && orphanNamespaces(service).isEmpty()) {
            throw new LabException("no service '" + service + "' in lab '" + lab.name() + "'");
        }
        converge(service);
        removeOwnNetwork(service + DEFAULT_NETWORK_SUFFIX);
        return running;
    }

    /** The tasks the lab runs for a service, by slot. */
    public List<LabTask> tasks(String service) {
        return records().stream().filter(t -> t.service().equals(service))
                .sorted(Comparator.comparingInt(LabTask::slot)).toList();
    }

    /**
     * Brings the tasks the lab runs for a service in line with the store: stops what the
     * store no longer wants (or wants under another task id), then starts what is missing.
     *
     * @return the service's tasks, by slot
     * @throws LabException listing every task that could not be stopped or started
     */
    public List<LabTask> converge(String service) {
        Map<String, JsonNode> wanted = new LinkedHashMap<>();
        Map<String, String> hostOf = new LinkedHashMap<>();
        List<String> command = new ArrayList<>();
        CommandRunner.Result inspected = cluster.run("service", "inspect", service, "--format", "json");
        if (inspected.ok()) {
            readCommand(inspected.stdout()).forEach(command::add);
            for (JsonNode t : cluster.lines("service", "ps", service, "--format", "json")) {
                if (t.path("DesiredState").asText().equals("Running")) {
                    String host = host(t.path("Node").asText());
                    String ns = namespace(host, service + "." + t.path("Slot").asInt());
                    wanted.put(ns, t);
                    hostOf.put(ns, host);
                }
            }
        } else if (!LabCluster.error(inspected).startsWith("No such service")) {
            throw new LabException(LabCluster.error(inspected));
        }
        List<String> problems = new ArrayList<>();
        for (LabTask r : tasks(service)) {
            JsonNode t = wanted.get(r.namespace());
            if (t == null || !t.path("ID").asText().equals(r.taskId())) {
                stop(r, problems);
            }
        }
        orphanNamespaces(service).forEach((ns, host) -> launcher(host).runtime().removeSandbox(ns, problems));
        Set<String> have = Set.copyOf(tasks(service).stream().map(LabTask::namespace).toList());
        for (Map.Entry<String, JsonNode> e : wanted.entrySet()) {
            if (!have.contains(e.getKey())) {
                JsonNode t = e.getValue();
                try {
                    start(service, t.path("ID").asText(), t.path("Slot").asInt(), hostOf.get(e.getKey()), command);
                } catch (LabException ex) {
                    problems.add(ex.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new LabException(String.join("; ", problems));
        }
        return tasks(service);
    }

    private static List<String> readCommand(String stdout) {
        String inspectLine = Stream.of(stdout.split("\n")).filter(l -> l.startsWith("{")).findFirst().orElse(stdout);
        try {
            List<String> out = new ArrayList<>();
            JSON.readTree(inspectLine).path("Spec").path("TaskTemplate").path("ContainerSpec").path("Command")
                    .forEach(c -> out.add(c.asText()));
            return out;
        } catch (IOException e) {
            throw new LabException("'swarmnet service inspect' printed no JSON: " + inspectLine.strip(), e);
        }
    }

    // 'swarmnet init' once per cluster, as 'docker swarm init' makes the ingress network.
    private void ensureInitialized() {
        CommandRunner.Result r = cluster.run("init");
        if (!r.ok() && !LabCluster.error(r).contains("already initialized")) {
            throw new LabException("cannot initialize the cluster of lab '" + lab.name() + "': " + LabCluster.error(r));
        }
    }

    // Only a network this lab made for the service goes, and only when nothing else uses it.
    private void removeOwnNetwork(String name) {
        Optional<JsonNode> n = networks().stream().filter(x -> x.path("Name").asText().equals(name)).findFirst();
        if (n.isEmpty() || !lab.name().equals(n.get().path("Labels").path(LAB_LABEL).asText())) {
            return;
        }
        CommandRunner.Result r = cluster.run("network", "rm", name);
        if (!r.ok() && !LabCluster.error(r).contains("in use") && !LabCluster.error(r).contains("not found")) {
            throw new LabException(LabCluster.error(r));
        }
    }

    private String host(String hostname) {
        return lab.hosts().stream().filter(h -> h.runsAgent() && h.namespace().equals(hostname)).findFirst()
                .map(LabHost::name)
                .orElseThrow(() -> new LabException("a task is placed on node " + hostname
                        + ", which is not a host of lab '" + lab.name() + "'"));
    }

    String namespace(String host, String taskName) {
        return lab.name() + "-" + host + "-" + taskName;
    }

    private LabTask start(String service, String taskId, int slot, String host, List<String> command) {
        String name = service + "." + slot;
        if (command.isEmpty()) {
            throw new LabException("service " + service + " has no command to run in task " + name);
        }
        TaskLauncher launcher = launcher(host);
        RunningTask running;
        try {
            running = launcher.start(new TaskSpec(taskId, name, resolve(command), Map.of("TASK_NAME", name), null));
        } catch (IOException | RuntimeException e) {
            throw cannotStart(name, host, e);
        }
        LabTask task = new LabTask(service, name, slot, taskId, host, running.sandbox().name(), running.ip(),
                running.process().pid(), running.process().startTime(), running.log().toString());
        try {
            write(task);
        } catch (IOException e) {
            launcher.stop(running, new ArrayList<>());
            throw cannotStart(name, host, e);
        }
        return task;
    }

    private static LabException cannotStart(String name, String host, Exception e) {
        String why = e instanceof ApiException a ? "agent on " + host + " refused the attach (" + a.status() + "): "
                + a.getMessage() : e.getMessage();
        return new LabException("cannot start task " + name + " on " + host + ": " + why, e);
    }

    private void stop(LabTask task, List<String> problems) {
        RunningTask running = new RunningTask(task.taskId(), task.name(),
                new Sandbox(task.namespace(), LabTeardown.NETNS_RUN.resolve(task.namespace())), task.ip(), task.process(),
                Path.of(task.log()));
        launcher(task.host()).stop(running, problems);
        try {
            Files.deleteIfExists(recordsDir.resolve(task.namespace() + ".json"));
        } catch (IOException e) {
            problems.add("cannot remove the record of task " + task.name() + ": " + e.getMessage());
        }
    }

    // Task namespaces of the service with no record, by host: left by a deploy killed half way.
    private Map<String, String> orphanNamespaces(String service) {
        Set<String> recorded = Set.copyOf(tasks(service).stream().map(LabTask::namespace).toList());
        Pattern task = Pattern.compile(Pattern.quote(service) + "\\.[0-9]+");
        Map<String, String> hostOf = new LinkedHashMap<>();
        for (LabHost h : lab.hosts()) {
            if (h.runsAgent()) {
                String prefix = namespace(h.name(), "");
                launcher(h.name()).runtime().sandboxes().stream()
                        .filter(ns -> task.matcher(ns.substring(prefix.length())).matches() && !recorded.contains(ns))
                        .forEach(ns -> hostOf.put(ns, h.name()));
            }
        }
        return hostOf;
    }

    // The host's task runtime, with its namespaces named and logged as 'lab status' shows them.
    private TaskLauncher launcher(String host) {
        NamespaceTaskRuntime runtime = new NamespaceTaskRuntime(namespace(host, ""),
                lab.stateDir().resolve(host).resolve("tasks"));
        return new TaskLauncher(runtime, new AgentApiTaskNetwork(new ApiClient(lab.apiSocket(host))), " on " + host);
    }

    /**
     * The command as run in a task: a leading {@code swarmnet} becomes this very build
     * (same java, same class path), so {@code -- swarmnet echo-server} needs nothing installed.
     */
    static List<String> resolve(List<String> command) {
        if (!command.get(0).equals("swarmnet")) {
            return command;
        }
        List<String> argv = new ArrayList<>();
        argv.add(AgentFleet.java());
        argv.addAll(AgentFleet.jdkOptions());
        argv.addAll(TASK_JVM_OPTIONS);
        argv.addAll(List.of("-cp", AgentFleet.classpath(), AgentFleet.MAIN_CLASS));
        argv.addAll(command.subList(1, command.size()));
        return argv;
    }

    private void write(LabTask task) throws IOException {
        Files.createDirectories(recordsDir);
        Path tmp = recordsDir.resolve(task.namespace() + ".json.tmp");
        JSON.writeValue(tmp.toFile(), task);
        Files.move(tmp, recordsDir.resolve(task.namespace() + ".json"), StandardCopyOption.REPLACE_EXISTING);
    }

    private List<LabTask> records() {
        if (!Files.isDirectory(recordsDir)) {
            return List.of();
        }
        List<LabTask> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(recordsDir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    out.add(JSON.readValue(f.toFile(), LabTask.class));
                } catch (IOException e) {
                    // A record cut short by a crash: its namespace is found as an orphan instead.
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot read task records under " + recordsDir + ": " + e.getMessage(), e);
        }
        return out;
    }
}
