package io.swarmnet.lab;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster on one machine: network namespaces on a shared underlay bridge, an etcd
 * member per manager, and a dockerd (when asked for) and an agent per manager and
 * worker (see the lab section of DESIGN.md for names and addresses).
 *
 * <p>{@link #up} builds a lab and returns once etcd, every dockerd and every agent are healthy, or
 * removes what it built and throws. The daemons are started in their own sessions and
 * outlive this JVM; {@link #down(String)} removes a lab from any JVM, also one whose
 * {@code up} was killed half way. Everything needs root.
 */
public final class Lab implements AutoCloseable {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);

    private final CommandRunner runner;
    private final Path stateRoot;
    private final Path stateDir;
    private final LabState state;
    private final List<LabHost> hosts;
    private final AtomicInteger backgroundLogs = new AtomicInteger();

    private Lab(CommandRunner runner, Path stateRoot, LabState state) {
        this.runner = runner;
        this.stateRoot = stateRoot;
        this.stateDir = stateRoot.resolve(state.name());
        this.state = state;
        this.hosts = state.hosts(stateDir);
    }

    /**
     * Builds a lab: checks the tools and root before it creates anything, refuses a name
     * that is in use, and on any failure removes what it created before it throws.
     *
     * @throws LabException with a one-line reason
     */
    public static Lab up(LabSpec spec) {
        Path etcd = preflight(spec);
        CommandRunner runner = new CommandRunner();
        claim(spec);
        LabBuilder builder = new LabBuilder(runner, spec, etcd, Preflight.etcdctl(etcd));
        Thread hook = new Thread(builder::abort, "lab-" + spec.name() + "-abort");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return new Lab(runner, spec.stateRoot(), builder.build());
        } catch (RuntimeException e) {
            // An abort interrupts this thread; the teardown's own commands must still run.
            boolean interrupted = Thread.interrupted();
            String logs = builder.preserveLogs();
            DownReport r = LabTeardown.down(runner, spec.name(), spec.stateRoot());
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            String cleanup = r.clean() ? "removed what it had created" : "could not remove all of it: " + r.problems()
                    + "; run 'swarmnet lab down --name " + spec.name() + "'";
            throw new LabException("lab up failed: " + reason(e) + "; " + cleanup + logs, e);
        } finally {
            builder.finished();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or ran; it owns the teardown now.
            }
        }
    }

    /**
     * The checks {@link #up} makes before it creates anything: the tools it runs, then
     * root. Tools come first so that a missing etcd is reported the same to anyone.
     *
     * @return the etcd binary the lab would run
     * @throws LabException naming what is missing
     */
    public static Path preflight(LabSpec spec) {
        Preflight.require("ip", "iproute2");
        Preflight.require("setsid", "util-linux");
        Preflight.require("dnsmasq", "dnsmasq-base");
        if (spec.agents()) {
            Preflight.require("curl", "curl");
        }
        Path etcd = Preflight.etcd(spec.etcdBinary());
        Preflight.etcdctl(etcd);
        if (spec.docker()) {
            Preflight.requireDocker();
        }
        Preflight.requireRoot();
        return etcd;
    }

    /** Opens a running lab by name under the default state root. */
    public static Lab open(String name) {
        return open(name, LabSpec.DEFAULT_STATE_ROOT);
    }

    /**
     * Opens a lab by name.
     *
     * @throws LabException when there is no such lab, or it has no readable state
     */
    public static Lab open(String name, Path stateRoot) {
        LabSpec.validateName(name);
        Optional<LabState> state = LabState.read(stateRoot.resolve(name));
        if (state.isPresent()) {
            return new Lab(new CommandRunner(), stateRoot, state.get());
        }
        if (exists(name, stateRoot)) {
            throw new LabException("lab '" + name + "' is broken (no readable state); run 'swarmnet lab down --name "
                    + name + "'");
        }
        throw new LabException("no lab named '" + name + "'; start one with 'swarmnet lab up --name " + name + "'");
    }

    /** True when anything of the lab exists: its state, a namespace or an /etc/netns entry. */
    public static boolean exists(String name, Path stateRoot) {
        return Files.exists(stateRoot.resolve(name))
                || !LabTeardown.existingNamespaces(name).isEmpty()
                || !LabTeardown.existingEtcNetns(name).isEmpty();
    }

    /** Removes a lab under the default state root; see {@link #down(String, Path)}. */
    public static DownReport down(String name) {
        return down(name, LabSpec.DEFAULT_STATE_ROOT);
    }

    /**
     * Removes everything of a lab, complete or half built: removes its containers,
     * stops its dockerds and every process in its namespaces (SIGTERM, then SIGKILL
     * after a grace), removes its containers' cgroups, deletes the namespaces, their
     * /etc/netns entries and the state directory. A lab that does not exist is not an
     * error: the report says {@code existed() == false}.
     */
    public static DownReport down(String name, Path stateRoot) {
        LabSpec.validateName(name);
        Preflight.requireRoot();
        return LabTeardown.down(new CommandRunner(), name, stateRoot);
    }

    /** Removes this lab; see {@link #down(String, Path)}. */
    public DownReport down() {
        return LabTeardown.down(runner, name(), stateRoot);
    }

    @Override
    public void close() {
        down();
    }

    public String name() {
        return state.name();
    }

    public int managers() {
        return state.managers();
    }

    public int workers() {
        return state.workers();
    }

    public int underlayMtu() {
        return state.underlayMtu();
    }

    /** Whether managers and workers run agents. */
    public boolean agents() {
        return state.agents();
    }

    /** Whether managers and workers run their own dockerd. */
    public boolean docker() {
        return state.docker();
    }

    /** The directory holding the lab's state, etcd data and logs. */
    public Path stateDir() {
        return stateDir;
    }

    /** Every host: fabric, managers, workers, client, internet. */
    public List<LabHost> hosts() {
        return hosts;
    }

    public List<LabHost> managerHosts() {
        return hosts.stream().filter(h -> h.role() == LabHost.Role.MANAGER).toList();
    }

    public List<LabHost> workerHosts() {
        return hosts.stream().filter(h -> h.role() == LabHost.Role.WORKER).toList();
    }

    /**
     * A host by short name: {@code m1}, {@code w2}, {@code client}, {@code internet}, {@code fabric}.
     *
     * @throws LabException naming the hosts there are
     */
    public LabHost host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new LabException("no host '" + name + "' in lab '" + name() + "' (hosts: "
                        + hosts.stream().map(LabHost::name).collect(Collectors.joining(", ")) + ")"));
    }

    /** The host's address: underlay for managers, workers and the client, 198.51.100.1 for the internet. */
    public String address(String host) {
        return host(host).address();
    }

    public String namespace(String host) {
        return host(host).namespace();
    }

    /** The etcd client URLs, {@code http://192.0.2.11:2379} and on. */
    public List<String> etcdEndpoints() {
        return EtcdCluster.clientUrls(managerHosts());
    }

    /** What the agents get as {@code --store}: {@code etcd://192.0.2.11:2379,...}. */
    public String storeUrl() {
        return AgentFleet.storeUrl(managerHosts());
    }

    /** Where the agent of a host serves /healthz and /metrics: {@code 192.0.2.11:9323}. */
    public String metricsAddr(String host) {
        return AgentFleet.metricsAddr(host(host));
    }

    /** The unix socket of a host's agent API (the agent runs in the host's namespace, the socket is a file here). */
    public Path apiSocket(String host) {
        return AgentFleet.dataRoot(stateDir(), host(host)).resolve("api.sock");
    }

    /**
     * The unix socket of a host's own dockerd (the dockerd runs in the host's namespace,
     * the socket is a file here).
     *
     * @throws LabException when the host runs no dockerd
     */
    public Path dockerSocket(String host) {
        LabHost h = host(host);
        if (!h.runsDocker()) {
            throw new LabException("host '" + host + "' of lab '" + name() + "' runs no dockerd"
                    + (docker() ? "" : " (the lab was started with --no-docker)"));
        }
        return h.dockerSocket();
    }

    /** Runs the {@code docker} CLI against a host's dockerd and captures its output; 60 s timeout. */
    public CommandRunner.Result docker(String host, String... args) {
        return runner.run(EXEC_TIMEOUT, LabDockerd.docker(dockerSocket(host), List.of(args)));
    }

    /**
     * {@code docker load -i TARBALL} into the dockerd of every manager and worker, all at once.
     *
     * @return the images loaded, as {@code docker load} names them
     * @throws LabException for a missing file, a lab without Docker, or what docker says of a bad tarball
     */
    public List<String> loadImage(Path tarball) {
        if (!Files.isRegularFile(tarball)) {
            throw new LabException("no such file: " + tarball);
        }
        List<LabHost> dockerHosts = hosts.stream().filter(LabHost::runsDocker).toList();
        if (dockerHosts.isEmpty()) {
            throw new LabException("lab '" + name() + "' runs no dockerd (it was started with --no-docker)");
        }
        return new LabImages(runner, stateDir.resolve("images")).load(tarball.toAbsolutePath(), dockerHosts);
    }

    /** Runs a command in a host's namespace and captures its output; 60 s timeout. */
    public CommandRunner.Result exec(String host, String... command) {
        return exec(host, EXEC_TIMEOUT, List.of(command));
    }

    /** Runs a command in a host's namespace and captures its output. */
    public CommandRunner.Result exec(String host, Duration timeout, List<String> command) {
        return runner.run(timeout, inNamespace(host, command));
    }

    /** Runs a command in a host's namespace with this process's stdin, stdout and stderr, and returns its exit code. */
    public int execInteractive(String host, List<String> command) {
        List<String> argv = inNamespace(host, command);
        try {
            return new ProcessBuilder(argv).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new LabException(CommandRunner.describe(argv) + " could not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + CommandRunner.describe(argv), e);
        }
    }

    /**
     * Starts a background command in a host's namespace, owned by this JVM, its output in
     * a log under the state directory. {@code down} stops it with everything else in
     * the namespace; destroy it earlier to stop it earlier.
     */
    public Process start(String host, String... command) {
        List<String> argv = inNamespace(host, List.of(command));
        Path log = stateDir.resolve(host).resolve("background-" + backgroundLogs.incrementAndGet() + ".log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new LabException("cannot create " + log.getParent() + ": " + e.getMessage(), e);
        }
        return runner.spawn(argv, log);
    }

    /** Checks the lab now: namespaces, etcd health and leader, agent health. */
    public LabStatus status() {
        List<LabStatus.Host> hs = hosts.stream()
                .map(h -> new LabStatus.Host(h.name(), h.role().name().toLowerCase(java.util.Locale.ROOT),
                        h.namespace(), h.address(), present(h)))
                .toList();
        return new LabStatus(name(), state.complete(), underlayMtu(), hs, etcdStatus(), dockerStatus(), agentStatus());
    }

    /** The etcd leader's member name (the manager's host name), if the cluster has one now. */
    public Optional<String> etcdLeader() {
        return Optional.ofNullable(etcdStatus().leader());
    }

    private LabStatus.Etcd etcdStatus() {
        LabHost client = host("client");
        EtcdCluster.Probe p = present(client)
                ? new EtcdCluster(runner, name(), managerHosts(), client.namespace(), Path.of(state.etcdctl())).probe()
                : null;
        List<LabStatus.Member> members = new ArrayList<>();
        for (LabHost m : managerHosts()) {
            String url = EtcdCluster.clientUrl(m);
            boolean healthy = p != null && p.healthByEndpoint().getOrDefault(url, false);
            members.add(new LabStatus.Member(m.name(), url, running("etcd", m), healthy,
                    p != null && m.name().equals(p.leader())));
        }
        boolean healthy = p != null && p.healthy(managers());
        return new LabStatus.Etcd(healthy, p == null ? null : p.leader(), members);
    }

    private List<LabStatus.Dockerd> dockerStatus() {
        return hosts.stream().filter(LabHost::runsDocker)
                .map(h -> new LabStatus.Dockerd(h.name(), h.dockerSocket().toString(), running("dockerd", h),
                        LabDockerd.ping(h.dockerSocket())))
                .toList();
    }

    private List<LabStatus.Agent> agentStatus() {
        if (!state.agents()) {
            return List.of();
        }
        AgentFleet fleet = new AgentFleet(runner);
        return hosts.stream().filter(LabHost::runsAgent)
                .map(h -> {
                    boolean running = running("agent", h);
                    return new LabStatus.Agent(h.name(), AgentFleet.metricsAddr(h), running,
                            running && present(h) && fleet.healthy(h));
                })
                .toList();
    }

    private boolean running(String kind, LabHost h) {
        return state.processes().stream()
                .anyMatch(d -> d.kind().equals(kind) && d.host().equals(h.name()) && d.ref().alive());
    }

    private static boolean present(LabHost h) {
        return Files.exists(LabTeardown.NETNS_RUN.resolve(h.namespace()));
    }

    private List<String> inNamespace(String host, List<String> command) {
        if (command.isEmpty()) {
            throw new LabException("no command to run on " + host);
        }
        LabHost h = host(host);
        if (!present(h)) {
            throw new LabException("host '" + host + "' of lab '" + name() + "' has no namespace " + h.namespace()
                    + "; run 'swarmnet lab down --name " + name() + "' and bring the lab up again");
        }
        return Stream.concat(Stream.of("ip", "netns", "exec", h.namespace()), command.stream()).toList();
    }

    // Creating the state directory is the lock: of two 'lab up' racing for one name,
    // exactly one creates it.
    private static void claim(LabSpec spec) {
        String inUse = "lab '" + spec.name() + "' already exists; run 'swarmnet lab down --name " + spec.name()
                + "' first";
        if (exists(spec.name(), spec.stateRoot())) {
            throw new LabException(inUse);
        }
        try {
            Files.createDirectories(spec.stateRoot());
            Files.createDirectory(spec.stateRoot().resolve(spec.name()));
        } catch (FileAlreadyExistsException e) {
            throw new LabException(inUse, e);
        } catch (IOException e) {
            throw new LabException("cannot create " + spec.stateRoot().resolve(spec.name()) + ": " + e.getMessage(), e);
        }
    }

    private static String reason(RuntimeException e) {
        return e instanceof LabException ? e.getMessage() : e.toString();
    }
}
