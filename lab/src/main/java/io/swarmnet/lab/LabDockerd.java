package io.swarmnet.lab;

import io.swarmnet.node.task.ProcessRef;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dockerd of each lab manager and worker: Docker beside swarmnet, for real, one
 * daemon per host inside the host's network namespace.
 *
 * <p>Design choices a reviewer should know:
 * <ul>
 *   <li>Each dockerd has its own data-root, exec-root, pidfile and socket under
 *       {@code <state>/<host>/docker/}, and its own mount namespace (the one
 *       {@code ip netns exec} makes, made private): its overlay mounts, {@code /run/docker}
 *       and {@code /etc/docker} never show in the machine's, and vanish with its processes.</li>
 *   <li>Default networking: dockerd makes {@code docker0} and its iptables chains inside
 *       the host's namespace, as on a real node; the root namespace gets neither.</li>
 *   <li>Its containers' cgroups live under {@code swarmnet-<lab>-<host>} in every hierarchy,
 *       so {@code lab down} finds them by name, also after a crash that lost the state.</li>
 *   <li>The lab talks to it with the {@code docker} CLI over its socket, from the root
 *       namespace: the socket is a file.</li>
 * </ul>
 */
final class LabDockerd {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_LINES = 5;

    private LabDockerd() {
    }

    /** Where host {@code h}'s dockerd keeps everything: data, exec root, socket, pidfile. */
    static Path dir(Path stateDir, String host) {
        return stateDir.resolve(host).resolve("docker");
    }

    static Path socket(Path stateDir, String host) {
        return dir(stateDir, host).resolve("docker.sock");
    }

    /** The cgroup under which the host's containers run, in every hierarchy. */
    static String cgroupParent(String lab, String host) {
        return "swarmnet-" + lab + "-" + host;
    }

    /** Only the cgroups of this lab's hosts: lab "a" never matches "swarmnet-ab-m1". */
    static Pattern cgroupPattern(String lab) {
        return Pattern.compile("swarmnet-" + Pattern.quote(lab) + "-[mw][1-9][0-9]?");
    }

    /** {@code docker -H unix://SOCKET ARGS...}, the CLI against one host's dockerd. */
    static List<String> docker(Path socket, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
        argv.addAll(args);
        return argv;
    }

    /**
     * The script that runs host {@code h}'s dockerd, written to its docker directory:
     * a private mount namespace, the cgroup hierarchies again, then dockerd itself.
     */
    static String script(String lab, LabHost h, Path dir, CgroupMounts cgroups) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# dockerd of lab host ").append(h.namespace()).append(", run by 'ip netns exec', which gives it\n");
        s.append("# a mount namespace of its own and a fresh /sys without the cgroup hierarchies.\n");
        s.append("set -e\n");
        s.append("mount --make-rprivate /\n");
        cgroups.remountCommands().forEach(c -> s.append(c).append('\n'));
        s.append("# Per host: plugin sockets, daemon.json and containerd's shim sockets stay in this namespace.\n");
        s.append("mkdir -p /run/docker /etc/docker /run/containerd\n");
        s.append("mount -t tmpfs tmpfs /run/docker\n");
        s.append("mount -t tmpfs tmpfs /etc/docker\n");
        s.append("mount -t tmpfs tmpfs /run/containerd\n");
        s.append("exec dockerd --data-root ").append(dir.resolve("data"))
                .append(" --exec-root ").append(dir.resolve("exec"))
                .append(" --pidfile ").append(dir.resolve("dockerd.pid"))
                .append(" -H unix://").append(dir.resolve("docker.sock"))
                .append(" --cgroup-parent ").append(cgroupParent(lab, h.name()))
                .append(" --log-level warn\n");
        return s.toString();
    }

    /** Writes the host's script and returns the command that runs it in the host's namespace. */
    static List<String> command(String lab, LabHost h, Path stateDir, CgroupMounts cgroups) {
        Path dir = dir(stateDir, h.name());
        Path script = dir.resolve("run-dockerd.sh");
        try {
            Files.createDirectories(dir);
            Files.writeString(script, script(lab, h, dir, cgroups));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new LabException("cannot write " + script + ": " + e.getMessage(), e);
        }
        return List.of("ip", "netns", "exec", h.namespace(), "/bin/sh", script.toString());
    }

    /**
     * Waits until every dockerd answers {@code GET /_ping} on its socket; fails fast when
     * one exits, and names the host and the last lines of its log either way.
     */
    static void awaitReady(Duration timeout, List<StartedDaemon> dockerds, Path stateDir) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<StartedDaemon> waiting = new ArrayList<>(dockerds);
        while (true) {
            for (StartedDaemon d : waiting) {
                if (!d.process().isAlive()) {
                    throw new LabException("dockerd on " + d.record().host() + " exited with code "
                            + d.process().exitValue() + lastLines(d));
                }
            }
            waiting.removeIf(d -> ping(socket(stateDir, d.record().host())));
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                StartedDaemon d = waiting.get(0);
                throw new LabException("dockerd on " + d.record().host() + " did not answer on "
                        + socket(stateDir, d.record().host()) + " within " + timeout.toSeconds() + "s" + lastLines(d));
            }
            EtcdCluster.sleep(100);
        }
    }

    private static String lastLines(StartedDaemon d) {
        Path log = Path.of(d.record().log());
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                return " (" + log + " is empty)";
            }
            return "; last lines of " + log + ":\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** True when a dockerd answers {@code GET /_ping} with 200 on this socket within 2 s. */
    static boolean ping(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(1024);
            long deadline = System.nanoTime() + PING_TIMEOUT.toNanos();
            while (in.hasRemaining()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (ch.read(in) < 0) {
                    break;
                }
            }
            String reply = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
            return reply.startsWith("HTTP/1.") && reply.split(" ", 3)[1].equals("200");
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    /**
     * {@code docker rm -f} of every container of every dockerd that still answers, all
     * hosts at once; a dockerd that does not answer leaves its containers to
     * {@link #removeCgroups}.
     */
    static void removeContainers(CommandRunner runner, List<Path> sockets, List<String> problems) {
        List<Path> answering = sockets.stream().filter(LabDockerd::ping).toList();
        for (String problem : onEach(answering, s -> removeContainers(runner, s))) {
            if (problem != null) {
                problems.add(problem);
            }
        }
    }

    /**
     * Runs {@code work} for every item (a host, a socket) on a thread of its own, so every
     * dockerd works at once, and returns the results in order.
     *
     * @throws LabException the first item's failure, once all have finished
     */
    static <I, T> List<T> onEach(List<I> items, Function<I, T> work) {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService threads = Executors.newFixedThreadPool(items.size(), r -> {
            Thread t = new Thread(r, "lab-docker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> all = items.stream().map(i -> threads.submit(() -> work.apply(i))).toList();
            List<T> out = new ArrayList<>();
            LabException first = null;
            for (Future<T> f : all) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof LabException l ? l : new LabException(e.getCause().toString(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted while waiting for the dockerds", e);
                }
            }
            if (first != null) {
                throw first;
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    private static String removeContainers(CommandRunner runner, Path socket) {
        try {
            CommandRunner.Result ps = runner.run(CLI_TIMEOUT, docker(socket, List.of("ps", "-aq")));
            List<String> ids = Stream.of(ps.stdout().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (!ps.ok() || ids.isEmpty()) {
                return null;
            }
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ids);
            CommandRunner.Result r = runner.run(CLI_TIMEOUT, docker(socket, rm));
            return r.ok() ? null : "'docker rm -f' on " + socket + CommandRunner.firstLine(r.stderr(), ": ");
        } catch (LabException e) {
            return e.getMessage();
        }
    }

    /**
     * Stops whatever still runs in the lab's {@code swarmnet-<lab>-<host>} cgroups (the
     * containers of a dockerd that crashed) and removes those cgroups in every hierarchy.
     */
    static void removeCgroups(String lab, List<String> problems) {
        Pattern mine = cgroupPattern(lab);
        List<Path> roots = new ArrayList<>();
        for (Path hierarchy : CgroupMounts.ofThisMachine().hierarchies()) {
            try (Stream<Path> s = Files.list(hierarchy)) {
                s.filter(p -> mine.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                        .forEach(roots::add);
            } catch (IOException e) {
                problems.add("cannot list " + hierarchy + ": " + e.getMessage());
            }
        }
        List<Path> cgroups = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isDirectory).forEach(cgroups::add);
            } catch (IOException e) {
                problems.add("cannot walk " + root + ": " + e.getMessage());
            }
        }
        List<ProcessRef> inside = new ArrayList<>();
        for (Path cgroup : cgroups) {
            try {
                for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) {
                        ProcessRef.of(Long.parseLong(pid.strip())).ifPresent(inside::add);
                    }
                }
            } catch (NoSuchFileException e) {
                // Removed meanwhile: its processes are gone too.
            } catch (IOException e) {
                problems.add("cannot read " + cgroup.resolve("cgroup.procs") + ": " + e.getMessage());
            }
        }
        // No grace: their dockerd is gone, nobody waits for a clean exit, and a container's
        // init ignores SIGTERM from outside unless it handles it.
        List<ProcessRef> survivors = ProcessRef.terminate(inside, Duration.ZERO);
        if (!survivors.isEmpty()) {
            problems.add("container processes survived SIGKILL: " + survivors.stream().map(p -> Long.toString(p.pid())).toList());
        }
        // Deepest first; a cgroup whose last process just exited may stay busy a moment.
        cgroups.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path cgroup : cgroups) {
            rmdir(cgroup, problems);
        }
    }

    private static void rmdir(Path cgroup, List<String> problems) {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(cgroup);
                return;
            } catch (IOException e) {
                if (attempt == 20) {
                    problems.add("cannot remove cgroup " + cgroup + ": " + e.getMessage());
                    return;
                }
                EtcdCluster.sleep(50);
            }
        }
    }

    /** Mount points under the lab's state directory that the machine still sees; none once the dockerds are gone. */
    static List<String> mountsUnder(Path stateDir) {
        try {
            String prefix = stateDir.toAbsolutePath() + "/";
            return Files.readAllLines(CgroupMounts.PROC_MOUNTINFO).stream()
                    .map(l -> l.split(" "))
                    .filter(f -> f.length > 4 && f[4].startsWith(prefix))
                    .map(f -> f[4])
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
