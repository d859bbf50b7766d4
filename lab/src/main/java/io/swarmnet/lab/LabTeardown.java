package io.swarmnet.lab;

import io.swarmnet.node.task.ProcessRef;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes a lab, complete or half built: it trusts the state file where there is one and
 * the namespace names where there is not, because a {@code lab up} killed at any point
 * must still be removable.
 */
final class LabTeardown {
    static final Path NETNS_RUN = Path.of("/run/netns");
    static final Duration GRACE = Duration.ofSeconds(5);
    // One teardown at a time per JVM: a shutdown hook may race the thread it interrupts.
    private static final Object LOCK = new Object();

    private LabTeardown() {
    }

    /**
     * Only names a lab creates: its hosts, and namespaces that live on a host (tasks,
     * benchmark anchors) named {@code <lab>-<host>-<suffix>}. A lab named "a" never
     * matches "ab-m1" or another tool's "a-foo".
     */
    static Pattern namespacePattern(String lab) {
        return Pattern.compile(Pattern.quote(lab) + "-(fabric|client|internet|[mw][1-9][0-9]?(-[a-z0-9][a-z0-9._-]*)?)");
    }

    /** The lab's namespaces that exist now, found by name. */
    static Set<String> existingNamespaces(String lab) {
        return matching(NETNS_RUN, namespacePattern(lab));
    }

    /** The lab's {@code /etc/netns} directories that exist now. */
    static Set<String> existingEtcNetns(String lab) {
        return matching(Topology.ETC_NETNS, namespacePattern(lab));
    }

    static DownReport down(CommandRunner runner, String lab, Path stateRoot) {
        synchronized (LOCK) {
            Path stateDir = stateRoot.resolve(lab);
            boolean hadState = Files.isDirectory(stateDir);
            Optional<LabState> state = LabState.read(stateDir);
            Set<String> namespaces = new LinkedHashSet<>();
            state.ifPresent(s -> namespaces.addAll(s.namespaces()));
            namespaces.addAll(existingNamespaces(lab));
            namespaces.removeIf(ns -> !Files.exists(NETNS_RUN.resolve(ns)));
            Set<String> etcDirs = existingEtcNetns(lab);
            List<String> problems = new ArrayList<>();

            // Agents and whatever else runs in the lab go first, while etcd can still take
            // their goodbyes. Then the etcd members one by one: a leader stopped together
            // with its followers waits seconds for a leadership transfer nobody can take,
            // one stopped alone hands over or finds no peer, and exits at once.
            List<ProcessRef> etcd = new ArrayList<>();
            state.ifPresent(s -> s.processes().stream().filter(d -> d.kind().equals("etcd")).forEach(d -> etcd.add(d.ref())));
            List<ProcessRef> others = new ArrayList<>();
            state.ifPresent(s -> s.processes().stream().filter(d -> !d.kind().equals("etcd")).forEach(d -> others.add(d.ref())));
            for (String ns : namespaces) {
                CommandRunner.Result r = runner.run(List.of("ip", "netns", "pids", ns));
                for (String line : r.stdout().split("\n")) {
                    if (!line.isBlank()) {
                        ProcessRef.of(Long.parseLong(line.strip())).filter(p -> !etcd.contains(p)).ifPresent(others::add);
                    }
                }
            }
            int live = (int) Stream.concat(etcd.stream(), others.stream()).filter(ProcessRef::alive).distinct().count();
            // Docker before the rest: its containers run in namespaces of their own, which
            // 'ip netns pids' does not see, so each dockerd removes them while it answers,
            // and only then stops (with its containerd and shims).
            LabDockerd.removeContainers(runner, dockerSockets(stateDir), problems);
            List<ProcessRef> dockerds = new ArrayList<>();
            state.ifPresent(s -> s.processes().stream().filter(d -> d.kind().equals("dockerd")).forEach(d -> dockerds.add(d.ref())));
            List<ProcessRef> survivors = new ArrayList<>(ProcessRef.terminate(dockerds, LabDockerd.STOP_GRACE));
            survivors.addAll(ProcessRef.terminate(others, GRACE));
            for (ProcessRef member : etcd) {
                survivors.addAll(ProcessRef.terminate(List.of(member), GRACE));
            }
            if (!survivors.isEmpty()) {
                problems.add("processes survived SIGKILL: " + survivors.stream().map(p -> Long.toString(p.pid())).toList());
            }

            // Reverse creation order: hosts before the fabric, which is the only one
            // holding links to the others.
            List<String> order = new ArrayList<>(namespaces);
            Collections.reverse(order);
            for (String ns : order) {
                CommandRunner.Result r = runner.run(List.of("ip", "netns", "del", ns));
                if (!r.ok() && Files.exists(NETNS_RUN.resolve(ns))) {
                    problems.add("'ip netns del " + ns + "'" + CommandRunner.firstLine(r.stderr(), ": "));
                }
            }
            for (String dir : etcDirs) {
                deleteTree(Topology.ETC_NETNS.resolve(dir), problems);
            }
            // Found by name, so also the containers of a dockerd that crashed.
            LabDockerd.removeCgroups(lab, problems);
            // The dockerds' overlay mounts lived in their own mount namespaces; one the
            // machine still sees would make the state directory impossible to remove.
            List<String> mounts = LabDockerd.mountsUnder(stateDir);
            if (!mounts.isEmpty()) {
                problems.add("still mounted: " + mounts);
            } else {
                deleteTree(stateDir, problems);
            }
            return new DownReport(lab, hadState || !namespaces.isEmpty() || !etcDirs.isEmpty(),
                    List.copyOf(namespaces), live, List.copyOf(problems));
        }
    }

    // Every socket a dockerd of the lab has or had, found on disk: the state may be lost.
    private static List<Path> dockerSockets(Path stateDir) {
        try (Stream<Path> s = Files.list(stateDir)) {
            return s.map(host -> LabDockerd.socket(stateDir, host.getFileName().toString())).filter(Files::exists).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Set<String> matching(Path dir, Pattern pattern) {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> pattern.matcher(n).matches()).forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new LabException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    static void deleteTree(Path root, List<String> problems) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add("cannot remove " + root + ": " + e.getMessage());
        }
    }
}
