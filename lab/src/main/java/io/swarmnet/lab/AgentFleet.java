package io.swarmnet.lab;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The lab's agents: one {@code swarmnet agent} per manager and worker, each a JVM of the
 * same Java and classpath as the one running the lab, so the lab tests exactly the code
 * that built it, from the shaded jar and from a test classpath alike.
 */
final class AgentFleet {
    static final int METRICS_PORT = 9323;
    static final String MAIN_CLASS = "io.swarmnet.cli.Main";
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final CommandRunner runner;

    AgentFleet(CommandRunner runner) {
        this.runner = runner;
    }

    static String metricsAddr(LabHost h) {
        return h.address() + ":" + METRICS_PORT;
    }

    /** The store URL every agent gets: {@code etcd://} and the managers' client addresses. */
    static String storeUrl(List<LabHost> managers) {
        return "etcd://" + managers.stream().map(m -> m.address() + ":" + EtcdCluster.CLIENT_PORT)
                .collect(Collectors.joining(","));
    }

    /** Where host {@code h}'s agent keeps its state (node id, API socket) in the lab's state dir. */
    static Path dataRoot(Path stateDir, LabHost h) {
        return stateDir.resolve(h.name()).resolve("agent");
    }

    /**
     * The command that runs the agent of host {@code h} inside its namespace; a null
     * {@code dataPathCpus} leaves the agent's default: its data path on every CPU it may run on.
     */
    static List<String> command(LabHost h, String storeUrl, Path dataRoot, String dataPathTransport,
                                String dataPathCpus) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", h.namespace(), java()));
        argv.addAll(jdkOptions());
        argv.addAll(List.of("-cp", classpath(), MAIN_CLASS, "agent",
                "--hostname", h.namespace(),
                "--advertise-addr", h.address(),
                "--store", storeUrl,
                "--metrics-addr", metricsAddr(h),
                "--data-root", dataRoot.toString(),
                "--data-path-transport", dataPathTransport,
                // The lab's internet resolver, never the machine's.
                "--dns-upstream", LabHost.INTERNET_ADDRESS,
                // A lab is for looking inside: every agent serves the live cluster view.
                "--web",
                // Its own host's dockerd, never the machine's: a lab host without one runs no containers.
                "--docker-host", h.runsDocker() ? h.dockerHost() : "none"));
        if (dataPathCpus != null) {
            argv.addAll(List.of("--data-path-cpus", dataPathCpus));
        }
        return argv;
    }

    static String java() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    // JDK 24+ warns about Netty's sun.misc.Unsafe use and native access unless told;
    // JDK 17 rejects the first flag, so it is added only where it is understood.
    static List<String> jdkOptions() {
        return Runtime.version().feature() >= 24
                ? List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED")
                : List.of();
    }

    // 'java -jar dist/target/swarmnet.jar' gives a relative class path; the agent must
    // find it whatever directory it starts in.
    static String classpath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isEmpty())
                .map(s -> Path.of(s).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** True when the agent's /healthz answers 200, asked from inside its own namespace. */
    boolean healthy(LabHost h) {
        return runner.run(HEALTH_TIMEOUT, List.of("ip", "netns", "exec", h.namespace(),
                "curl", "-sf", "--max-time", "1", "-o", "/dev/null",
                "http://" + metricsAddr(h) + "/healthz")).ok();
    }

    /** Waits until every agent is healthy; fails fast when one exits, quoting its log. */
    void awaitHealthy(Duration timeout, List<LabHost> hosts, List<StartedDaemon> agents) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<LabHost> waiting = new ArrayList<>(hosts);
        while (true) {
            for (StartedDaemon d : agents) {
                d.requireRunning("the agent on " + d.record().host());
            }
            waiting.removeIf(this::healthy);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LabException("agents did not become healthy within " + timeout.toSeconds() + "s: "
                        + waiting.stream().map(LabHost::name).collect(Collectors.joining(", "))
                        + " never answered /healthz");
            }
            EtcdCluster.sleep(300);
        }
    }
}
