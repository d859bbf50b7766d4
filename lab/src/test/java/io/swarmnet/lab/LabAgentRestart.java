package io.swarmnet.lab;

import io.swarmnet.node.task.ProcessRef;
import io.swarmnet.vxlan.vtep.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crashes a lab host's agent and starts it again the way {@code lab up} started it, with
 * the new process recorded in the lab's state so {@code lab down} stops it as well.
 */
final class LabAgentRestart {
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

    private LabAgentRestart() {
    }

    /** SIGKILLs the host's agent by its recorded PID and waits until it is gone; returns that PID. */
    static long kill9(Lab lab, String host) throws InterruptedException {
        LabState.Daemon agent = current(lab, host);
        ProcessHandle handle = ProcessHandle.of(agent.pid()).filter(h -> agent.ref().alive())
                .orElseThrow(() -> new IllegalStateException("the agent of " + host + " is not running"));
        handle.destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (agent.ref().alive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("agent " + agent.pid() + " survived SIGKILL for 10 s");
            }
            Thread.sleep(50);
        }
        return agent.pid();
    }

    /** Sends SIGTERM to the host's agent and waits up to {@code timeout} for it to exit. */
    static void terminate(Lab lab, String host, Duration timeout) {
        List<ProcessRef> left = ProcessRef.terminate(List.of(current(lab, host).ref()), timeout);
        if (!left.isEmpty()) {
            throw new IllegalStateException("the agent of " + host + " survived SIGKILL");
        }
    }

    /** Starts the host's agent with the lab's flags and {@code extraArgs}; returns once /healthz answers. */
    static long start(Lab lab, String host, String... extraArgs) {
        LabHost h = lab.host(host);
        // The labs that restart agents run the default transport, epoll.
        List<String> argv = new ArrayList<>(AgentFleet.command(h, lab.storeUrl(),
                AgentFleet.dataRoot(lab.stateDir(), h), Transport.EPOLL.flagValue(), null));
        argv.addAll(List.of(extraArgs));
        Path log = lab.stateDir().resolve(host).resolve("agent.log");
        Process p = new CommandRunner().spawnDetached(argv, log);
        long startTime = ProcessRef.of(p.pid()).map(ProcessRef::startTime).orElse(-1L);
        LabState.Daemon d = new LabState.Daemon("agent", host, p.pid(), startTime, log.toString());
        LabState.read(lab.stateDir()).orElseThrow().withDaemon(d).write(lab.stateDir());
        new AgentFleet(new CommandRunner()).awaitHealthy(HEALTH_TIMEOUT, List.of(h), List.of(new StartedDaemon(d, p)));
        return p.pid();
    }

    // The last agent recorded for the host is the one running: restarts append.
    private static LabState.Daemon current(Lab lab, String host) {
        List<LabState.Daemon> agents = LabState.read(lab.stateDir()).orElseThrow().processes().stream()
                .filter(d -> d.kind().equals("agent") && d.host().equals(host)).toList();
        if (agents.isEmpty()) {
            throw new IllegalStateException("lab " + lab.name() + " records no agent on " + host);
        }
        return agents.get(agents.size() - 1);
    }
}
