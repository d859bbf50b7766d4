package io.swarmnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.task.ProcessRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
 * and for every task on host H the lab makes a namespace {@code <lab>-H-<service>.<slot>},
 * attaches it through H's agent ({@code POST /v1/tasks/attach}) and starts the service's
 * command in it.
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
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // A task JVM is small; several of them share two cores with the agents.
    private static final List<String> TASK_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m");

    private final Lab lab;
    private final LabCluster cluster;
    private final CommandRunner runner = new CommandRunner();
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
        List<String> args = new ArrayList<>(List.of("service", "create", "--name", spec.service(),
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
        for (String ns : orphanNamespaces(service)) {
            removeNamespace(ns, problems);
        }
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
        String ns = namespace(host, name);
        if (command.isEmpty()) {
            throw new LabException("service " + service + " has no command to run in task " + name);
        }
        runner.check("ip", "netns", "add", ns);
        try {
            Topology.writeResolvConf(ns, LabDns.TASK_RESOLV_CONF);
            runner.check("ip", "-n", ns, "link", "set", "lo", "up");
            JsonNode attached = api(host).call("POST", "/v1/tasks/attach",
                    Map.of("taskId", taskId, "netns", LabTeardown.NETNS_RUN.resolve(ns).toString()));
            String ip = attached.path("interfaces").path(0).path("ip").asText("");
            Path log = lab.stateDir().resolve(host).resolve("tasks").resolve(name + ".log");
            Files.createDirectories(log.getParent());
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "TASK_NAME=" + name));
            argv.addAll(resolve(command));
            Process p = runner.spawnDetached(argv, log);
            ProcessRef ref = ProcessRef.of(p.pid()).orElseThrow(() -> new LabException("task " + name + " exited at once"
                    + StartedDaemon.lastLogLine(log, ": ")));
            LabTask task = new LabTask(service, name, slot, taskId, host, ns, ip, ref.pid(), ref.startTime(),
                    log.toString());
            write(task);
            return task;
        } catch (IOException | RuntimeException e) {
            List<String> ignored = new ArrayList<>();
            detach(host, taskId, ignored);
            removeNamespace(ns, ignored);
            String why = e instanceof ApiException a ? "agent on " + host + " refused the attach (" + a.status() + "): "
                    + a.getMessage() : e.getMessage();
            throw new LabException("cannot start task " + name + " on " + host + ": " + why, e);
        }
    }

    private void stop(LabTask task, List<String> problems) {
        List<ProcessRef> processes = new ArrayList<>();
        processes.add(task.process());
        processes.addAll(pidsIn(task.namespace()));
        List<ProcessRef> survivors = ProcessRef.terminate(processes, GRACE);
        if (!survivors.isEmpty()) {
            problems.add("task " + task.name() + ": processes survived SIGKILL: "
                    + survivors.stream().map(ProcessRef::pid).toList());
        }
        detach(task.host(), task.taskId(), problems);
        removeNamespace(task.namespace(), problems);
        try {
            Files.deleteIfExists(recordsDir.resolve(task.namespace() + ".json"));
        } catch (IOException e) {
            problems.add("cannot remove the record of task " + task.name() + ": " + e.getMessage());
        }
    }

    private void detach(String host, String taskId, List<String> problems) {
        try {
            api(host).call("POST", "/v1/tasks/detach", Map.of("taskId", taskId));
        } catch (IOException | RuntimeException e) {
            problems.add("cannot detach task " + taskId + " on " + host + ": " + e.getMessage());
        }
    }

    // Stops whatever still runs in the namespace, then deletes it and its /etc/netns entry.
    private void removeNamespace(String ns, List<String> problems) {
        if (Files.exists(LabTeardown.NETNS_RUN.resolve(ns))) {
            List<ProcessRef> survivors = ProcessRef.terminate(pidsIn(ns), GRACE);
            if (!survivors.isEmpty()) {
                problems.add(ns + ": processes survived SIGKILL: " + survivors.stream().map(ProcessRef::pid).toList());
            }
            CommandRunner.Result r = runner.run(List.of("ip", "netns", "del", ns));
            if (!r.ok() && Files.exists(LabTeardown.NETNS_RUN.resolve(ns))) {
                problems.add("'ip netns del " + ns + "'" + CommandRunner.firstLine(r.stderr(), ": "));
            }
        }
        LabTeardown.deleteTree(Topology.ETC_NETNS.resolve(ns), problems);
    }

    private List<ProcessRef> pidsIn(String ns) {
        if (!Files.exists(LabTeardown.NETNS_RUN.resolve(ns))) {
            return List.of();
        }
        List<ProcessRef> out = new ArrayList<>();
        for (String line : runner.run(List.of("ip", "netns", "pids", ns)).stdout().split("\n")) {
            if (line.strip().matches("[0-9]+")) {
                ProcessRef.of(Long.parseLong(line.strip())).ifPresent(out::add);
            }
        }
        return out;
    }

    // Task namespaces of the service with no record: left by a deploy killed half way.
    private List<String> orphanNamespaces(String service) {
        Set<String> recorded = Set.copyOf(tasks(service).stream().map(LabTask::namespace).toList());
        Pattern p = Pattern.compile(Pattern.quote(lab.name()) + "-[mw][0-9]+-" + Pattern.quote(service) + "\\.[0-9]+");
        return LabTeardown.existingNamespaces(lab.name()).stream()
                .filter(ns -> p.matcher(ns).matches() && !recorded.contains(ns)).toList();
    }

    private ApiClient api(String host) {
        return new ApiClient(lab.apiSocket(host));
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
