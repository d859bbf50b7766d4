package io.swarmnet.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swarmnet.agent.api.ApiClient;
import io.swarmnet.agent.api.ApiException;
import io.swarmnet.control.cluster.ClusterException;
import io.swarmnet.control.cluster.ClusterSnapshot;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.InitSpec;
import io.swarmnet.control.cluster.NetworkRequest;
import io.swarmnet.control.cluster.NetworkSpec;
import io.swarmnet.control.cluster.ServiceSpec;
import io.swarmnet.control.cluster.ServiceUpdate;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
public final class LabTasks implements AutoCloseable {
    /** Label on the services and default networks {@code lab deploy} creates: the lab's name. */
    static final String LAB_LABEL = "io.swarmnet.lab";
    static final String DEFAULT_NETWORK_SUFFIX = "_default";
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // A task JVM is small; several of them share two cores with the agents.
    private static final List<String> TASK_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m");

    private final Lab lab;
    private final Store store;
    private final ClusterStore cluster;
    private final CommandRunner runner = new CommandRunner();
    private final Path recordsDir;

    private LabTasks(Lab lab, Store store) {
        this.lab = lab;
        this.store = store;
        this.cluster = new ClusterStore(store);
        this.recordsDir = lab.stateDir().resolve("tasks");
    }

    /**
     * Connects to the lab's etcd.
     *
     * @throws LabException when the lab runs no agents or its etcd does not answer
     */
    public static LabTasks open(Lab lab) {
        if (!lab.agents()) {
            throw new LabException("lab '" + lab.name() + "' runs no agents, and tasks attach through them: "
                    + "bring it up without --no-agents");
        }
        try {
            return new LabTasks(lab, EtcdStore.connect(StoreAddress.parse(lab.storeUrl()), STORE_TIMEOUT));
        } catch (StoreException e) {
            throw new LabException("cannot reach the etcd of lab '" + lab.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        store.close();
    }

    public ClusterStore cluster() {
        return cluster;
    }

    /**
     * Creates the service (and, with no network given, its own attachable overlay
     * {@code <service>_default}, as {@code docker stack deploy} does) and starts its tasks.
     *
     * @return the service's tasks, by slot
     * @throws LabException when the store refuses the service or a task cannot be started
     */
    public List<LabTask> deploy(DeploySpec spec) {
        ensureInitialized();
        String network = spec.network();
        boolean ownNetwork = network == null;
        if (ownNetwork) {
            network = spec.service() + DEFAULT_NETWORK_SUFFIX;
            createOwnNetwork(network);
        }
        ServiceSpec service = new ServiceSpec(spec.service(), ServiceMode.REPLICATED, spec.replicas(), EndpointMode.VIP,
                List.of(NetworkRequest.of(network)), spec.ports(), spec.command(), Map.of(LAB_LABEL, lab.name()));
        try {
            cluster.createService(service);
        } catch (ClusterException e) {
            if (ownNetwork && e.reason() != ClusterException.Reason.NAME_TAKEN) {
                removeOwnNetwork(network);
            }
            throw new LabException(e.getMessage(), e);
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
        try {
            cluster.updateService(service, ServiceUpdate.scale(replicas));
        } catch (ClusterException e) {
            throw new LabException(e.getMessage(), e);
        }
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
        boolean inStore;
        try {
            cluster.removeService(service);
            inStore = true;
        } catch (ClusterException e) {
            if (e.reason() != ClusterException.Reason.NOT_FOUND) {
                throw new LabException(e.getMessage(), e);
            }
            inStore = false;
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
        ClusterSnapshot snap = cluster.read();
        Map<String, Task> wanted = new LinkedHashMap<>();
        Map<String, String> hostOf = new LinkedHashMap<>();
        List<String> command = List.of();
        Optional<Service> s = snap.services().stream().filter(x -> x.name().equals(service)).findFirst();
        if (s.isPresent()) {
            command = s.get().command();
            for (Task t : snap.tasksOf(s.get().id())) {
                if (t.state() == TaskState.RUNNING) {
                    String host = host(snap, t);
                    String ns = namespace(host, service + "." + t.slot());
                    wanted.put(ns, t);
                    hostOf.put(ns, host);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (LabTask r : tasks(service)) {
            Task t = wanted.get(r.namespace());
            if (t == null || !t.id().equals(r.taskId())) {
                stop(r, problems);
            }
        }
        for (String ns : orphanNamespaces(service)) {
            removeNamespace(ns, problems);
        }
        Set<String> have = Set.copyOf(tasks(service).stream().map(LabTask::namespace).toList());
        for (Map.Entry<String, Task> e : wanted.entrySet()) {
            if (!have.contains(e.getKey())) {
                Task t = e.getValue();
                try {
                    start(service, t, hostOf.get(e.getKey()), command);
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

    private void ensureInitialized() {
        if (cluster.read().initialized()) {
            return;
        }
        try {
            cluster.init(InitSpec.defaults());
        } catch (ClusterException e) {
            if (e.reason() != ClusterException.Reason.ALREADY_INITIALIZED) {
                throw new LabException("cannot initialize the cluster of lab '" + lab.name() + "': " + e.getMessage(), e);
            }
        }
    }

    private void createOwnNetwork(String name) {
        if (cluster.read().networks().stream().anyMatch(n -> n.name().equals(name))) {
            return;
        }
        NetworkSpec spec = new NetworkSpec(name, null, null, true, false, false, false, 0, Map.of(LAB_LABEL, lab.name()));
        try {
            cluster.createNetwork(spec);
        } catch (ClusterException e) {
            if (e.reason() != ClusterException.Reason.NAME_TAKEN) {
                throw new LabException("cannot create network " + name + ": " + e.getMessage(), e);
            }
        }
    }

    // Only a network this lab made for the service goes, and only when nothing else uses it.
    private void removeOwnNetwork(String name) {
        Optional<Network> n = cluster.read().networks().stream().filter(x -> x.name().equals(name)).findFirst();
        if (n.isEmpty() || !lab.name().equals(n.get().labels().get(LAB_LABEL))) {
            return;
        }
        try {
            cluster.removeNetwork(n.get().id());
        } catch (ClusterException e) {
            if (e.reason() != ClusterException.Reason.IN_USE && e.reason() != ClusterException.Reason.NOT_FOUND) {
                throw new LabException(e.getMessage(), e);
            }
        }
    }

    private String host(ClusterSnapshot snap, Task t) {
        String hostname = snap.nodeById(t.nodeId()).map(Node::hostname).orElse(t.nodeId());
        return lab.hosts().stream().filter(h -> h.runsAgent() && h.namespace().equals(hostname)).findFirst()
                .map(LabHost::name)
                .orElseThrow(() -> new LabException("task " + t.id() + " is placed on node " + hostname
                        + ", which is not a host of lab '" + lab.name() + "'"));
    }

    String namespace(String host, String taskName) {
        return lab.name() + "-" + host + "-" + taskName;
    }

    private LabTask start(String service, Task t, String host, List<String> command) {
        String name = service + "." + t.slot();
        String ns = namespace(host, name);
        if (command.isEmpty()) {
            throw new LabException("service " + service + " has no command to run in task " + name);
        }
        runner.check("ip", "netns", "add", ns);
        try {
            Topology.writeResolvConf(ns);
            runner.check("ip", "-n", ns, "link", "set", "lo", "up");
            JsonNode attached = api(host).call("POST", "/v1/tasks/attach",
                    Map.of("taskId", t.id(), "netns", LabTeardown.NETNS_RUN.resolve(ns).toString()));
            String ip = attached.path("interfaces").path(0).path("ip").asText("");
            Path log = lab.stateDir().resolve(host).resolve("tasks").resolve(name + ".log");
            Files.createDirectories(log.getParent());
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "TASK_NAME=" + name));
            argv.addAll(resolve(command));
            Process p = runner.spawnDetached(argv, log);
            ProcessRef ref = ProcessRef.of(p.pid()).orElseThrow(() -> new LabException("task " + name + " exited at once"
                    + StartedDaemon.lastLogLine(log, ": ")));
            LabTask task = new LabTask(service, name, t.slot(), t.id(), host, ns, ip, ref.pid(), ref.startTime(),
                    log.toString());
            write(task);
            return task;
        } catch (IOException | RuntimeException e) {
            List<String> ignored = new ArrayList<>();
            detach(host, t.id(), ignored);
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
        Files.move(tmp, recordsDir.resolve(task.namespace() + ".json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
