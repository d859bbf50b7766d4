package io.swarmnet.lab;

import io.swarmnet.node.task.ProcessRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Builds one lab step by step for {@link Lab#up}, writing the state file before each
 * thing it creates so that whatever kills it half way leaves a record {@code lab down}
 * can follow.
 */
final class LabBuilder {
    private static final Duration ABORT_WAIT = Duration.ofSeconds(20);
    private final CommandRunner runner;
    private final LabSpec spec;
    private final Path etcd;
    private final Path stateDir;
    private final List<LabHost> hosts;
    private final Thread builder = Thread.currentThread();
    private final CountDownLatch finished = new CountDownLatch(1);
    private LabState state;
    private boolean aborted;

    LabBuilder(CommandRunner runner, LabSpec spec, Path etcd, Path etcdctl) {
        this.runner = runner;
        this.spec = spec;
        this.etcd = etcd;
        this.stateDir = spec.stateRoot().resolve(spec.name());
        this.state = LabState.initial(spec, etcdctl);
        this.hosts = state.hosts(stateDir);
    }

    LabState build() {
        record(s -> s);
        spec.warnings().forEach(w -> spec.progress().accept("warning: " + w));
        spec.progress().accept("creating " + hosts.size() + " namespaces and the underlay (MTU " + spec.underlayMtu() + ")");
        new Topology(runner, spec.underlayMtu()).build(hosts, ns -> record(s -> s.withNamespace(ns)));

        List<LabHost> managers = hosts.stream().filter(h -> h.role() == LabHost.Role.MANAGER).toList();
        LabHost client = hosts.stream().filter(h -> h.role() == LabHost.Role.CLIENT).findFirst().orElseThrow();
        EtcdCluster cluster = new EtcdCluster(runner, spec.name(), managers, client.namespace(), Path.of(state().etcdctl()));
        spec.progress().accept("starting etcd: " + managers.size() + (managers.size() == 1 ? " member" : " members"));
        List<StartedDaemon> members = new ArrayList<>();
        for (LabHost m : managers) {
            members.add(startDaemon("etcd", m, cluster.memberCommand(etcd, m, hostDir(m).resolve("etcd"))));
        }
        EtcdCluster.Probe etcdHealth = cluster.awaitHealthy(spec.etcdTimeout(), members);
        spec.progress().accept("etcd healthy, leader " + etcdHealth.leader());

        startDocker();

        LabHost internet = hosts.stream().filter(h -> h.role() == LabHost.Role.INTERNET).findFirst().orElseThrow();
        spec.progress().accept("starting dnsmasq in " + internet.namespace() + ": the agents' DNS upstream");
        startDaemon("dnsmasq", internet, LabDns.upstreamCommand(internet, hostDir(internet).resolve("dnsmasq.pid")));

        if (spec.agents()) {
            List<LabHost> agentHosts = hosts.stream().filter(LabHost::runsAgent).toList();
            spec.progress().accept("starting " + agentHosts.size() + " agents");
            String store = AgentFleet.storeUrl(managers);
            List<StartedDaemon> agents = new ArrayList<>();
            for (LabHost h : agentHosts) {
                Path dataRoot = AgentFleet.dataRoot(stateDir, h);
                createDirectories(dataRoot);
                agents.add(startDaemon("agent", h, AgentFleet.command(h, store, dataRoot, spec.dataPathTransport(),
                        spec.dataPathCpus())));
            }
            new AgentFleet(runner).awaitHealthy(spec.agentTimeout(), agentHosts, agents);
            spec.progress().accept("agents healthy");
        }
        return record(LabState::completed);
    }

    /**
     * Starts every host's dockerd, builds the images while they start, and imports the
     * images into all of them at once. Before the agents, which will run containers on them.
     */
    private void startDocker() {
        List<LabHost> dockerHosts = hosts.stream().filter(LabHost::runsDocker).toList();
        if (dockerHosts.isEmpty()) {
            return;
        }
        spec.progress().accept("starting " + dockerHosts.size() + " dockerds");
        CgroupMounts cgroups = CgroupMounts.ofThisMachine();
        List<StartedDaemon> dockerds = new ArrayList<>();
        for (LabHost h : dockerHosts) {
            dockerds.add(startDaemon("dockerd", h, LabDockerd.command(spec.name(), h, stateDir, cgroups)));
        }
        LabImages images = new LabImages(runner, stateDir.resolve("images"));
        List<LabImages.Image> built = images.build(Preflight.busybox(), Preflight.nginx());
        LabDockerd.awaitReady(LabDockerd.READY_TIMEOUT, dockerds, stateDir);
        images.importInto(built, dockerHosts.stream().map(LabHost::dockerSocket).toList());
        spec.progress().accept("dockerds answering, images " + LabImages.ECHO + " and " + LabImages.NGINX + " loaded");
    }

    /**
     * Stops the build from a shutdown hook, so Ctrl-C leaves nothing behind: it
     * interrupts the building thread, waits for {@link Lab#up} to remove what it made
     * (the JVM halts once the hooks return), then removes whatever is still there.
     */
    void abort() {
        synchronized (this) {
            if (state.complete()) {
                return;
            }
            aborted = true;
        }
        builder.interrupt();
        try {
            finished.await(ABORT_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // Only the JVM going down interrupts a shutdown hook; clean up all the same.
        }
        LabTeardown.down(runner, spec.name(), spec.stateRoot());
    }

    /** Called by {@link Lab#up} once it has returned the lab or removed it. */
    void finished() {
        finished.countDown();
    }

    /**
     * Copies the daemons' logs out of the state directory before a failed build removes
     * it, so the reason stays readable.
     *
     * @return "; logs kept in DIR", or "" when there were none
     */
    String preserveLogs() {
        List<Path> logs;
        try (Stream<Path> s = Files.walk(stateDir, 3)) {
            logs = s.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).toList();
        } catch (IOException e) {
            return "";
        }
        if (logs.isEmpty()) {
            return "";
        }
        try {
            Path keep = Files.createTempDirectory("swarmnet-lab-" + spec.name() + "-");
            for (Path log : logs) {
                Path rel = stateDir.relativize(log);
                Files.copy(log, keep.resolve(rel.toString().replace('/', '-')), StandardCopyOption.REPLACE_EXISTING);
            }
            return "; logs kept in " + keep;
        } catch (IOException e) {
            return "";
        }
    }

    private synchronized LabState state() {
        return state;
    }

    private synchronized LabState record(UnaryOperator<LabState> change) {
        if (aborted) {
            throw new LabException("lab up was interrupted");
        }
        state = change.apply(state);
        state.write(stateDir);
        return state;
    }

    private StartedDaemon startDaemon(String kind, LabHost h, List<String> command) {
        Path log = hostDir(h).resolve(kind + ".log");
        // Until the state names it, only 'ip netns pids' finds the new process; down
        // asks that too, so a crash in between leaves nothing behind.
        Process p = runner.spawnDetached(command, log);
        long startTime = ProcessRef.of(p.pid()).map(ProcessRef::startTime).orElse(-1L);
        LabState.Daemon d = new LabState.Daemon(kind, h.name(), p.pid(), startTime, log.toString());
        StartedDaemon started = new StartedDaemon(d, p);
        try {
            record(s -> s.withDaemon(d));
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
        return started;
    }

    private Path hostDir(LabHost h) {
        Path dir = stateDir.resolve(h.name());
        createDirectories(dir);
        return dir;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LabException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
