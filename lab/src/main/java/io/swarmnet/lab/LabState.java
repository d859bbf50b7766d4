package io.swarmnet.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.swarmnet.node.task.ProcessRef;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a lab has created so far, written to {@code <state>/state.json} after every step
 * so that {@code lab down} can remove a lab whose {@code lab up} crashed half way.
 *
 * @param name the lab name
 * @param managers manager count
 * @param workers worker count
 * @param underlayMtu MTU of every underlay link and the fabric bridge
 * @param agents whether managers and workers run agents
 * @param docker whether managers and workers run their own dockerd
 * @param etcdctl the etcdctl binary that probes the cluster
 * @param complete true once {@code lab up} finished
 * @param namespaces namespaces created, in order
 * @param processes daemons started (etcd members, dockerds, agents)
 */
public record LabState(String name, int managers, int workers, int underlayMtu, boolean agents, boolean docker,
                       String etcdctl, boolean complete,
                       List<String> namespaces, List<Daemon> processes) {

    static final String FILE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A daemon the lab started.
     *
     * @param kind {@code etcd}, {@code dnsmasq}, {@code dockerd} or {@code agent}
     * @param host short host name it runs on
     * @param pid its PID
     * @param startTime its start time from {@code /proc/PID/stat}, guarding against PID reuse
     * @param log the file its stdout and stderr go to
     */
    public record Daemon(String kind, String host, long pid, long startTime, String log) {
        ProcessRef ref() {
            return new ProcessRef(pid, startTime);
        }
    }

    public LabState {
        namespaces = List.copyOf(namespaces);
        processes = List.copyOf(processes);
    }

    static LabState initial(LabSpec spec, Path etcdctl) {
        return new LabState(spec.name(), spec.managers(), spec.workers(), spec.underlayMtu(), spec.agents(),
                spec.docker(), etcdctl.toString(), false, List.of(), List.of());
    }

    LabState withNamespace(String ns) {
        List<String> n = new ArrayList<>(namespaces);
        n.add(ns);
        return new LabState(name, managers, workers, underlayMtu, agents, docker, etcdctl, complete, n, processes);
    }

    LabState withDaemon(Daemon d) {
        List<Daemon> p = new ArrayList<>(processes);
        p.add(d);
        return new LabState(name, managers, workers, underlayMtu, agents, docker, etcdctl, complete, namespaces, p);
    }

    LabState completed() {
        return new LabState(name, managers, workers, underlayMtu, agents, docker, etcdctl, true, namespaces, processes);
    }

    /** The lab's hosts; with Docker, managers and workers know their dockerd's socket under {@code stateDir}. */
    List<LabHost> hosts(Path stateDir) {
        return LabHost.plan(name, managers, workers).stream()
                .map(h -> docker && h.runsAgent() ? h.withDockerSocket(LabDockerd.socket(stateDir, h.name())) : h)
                .toList();
    }

    /** Reads the state of a lab, empty when it has no state file or the file is unreadable. */
    static Optional<LabState> read(Path stateDir) {
        try {
            return Optional.of(JSON.readValue(stateDir.resolve(FILE).toFile(), LabState.class));
        } catch (IOException e) {
            // Absent, or cut short by a crash: 'lab down' must still work, and finds the
            // namespaces by name.
            return Optional.empty();
        }
    }

    /** Writes atomically, so a reader never sees half a file. */
    void write(Path stateDir) {
        Path tmp = stateDir.resolve(FILE + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            try {
                Files.move(tmp, stateDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, stateDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LabException("cannot write lab state " + stateDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
