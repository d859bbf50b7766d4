package io.swarmnet.node.task;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs a task as a host command in a network namespace of its own, {@code
 * <prefix><task name>} under {@code /run/netns}: the plain-process runtime of the lab and
 * the tests. The namespace resolves through 127.0.0.11 (its {@code /etc/netns/<ns>/resolv.conf},
 * which {@code ip netns exec} binds over {@code /etc/resolv.conf}); the process runs in
 * its own session with {@code setsid}, so it outlives the JVM that started it, and is
 * found again by its PID and start time.
 *
 * <p>It shells out to iproute2 on purpose, as the lab does: {@code ip netns} is the
 * reference for what such a namespace looks like, and the tasks it makes are for tests.
 */
public final class NamespaceTaskRuntime implements TaskRuntime {
    /** What a task's processes get to stop on SIGTERM before SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(3);
    static final Path NETNS_RUN = Path.of("/run/netns");
    static final Path ETC_NETNS = Path.of("/etc/netns");
    /** A task's resolv.conf: the embedded resolver, as Docker writes it into containers. */
    public static final String RESOLV_CONF = "nameserver 127.0.0.11\noptions ndots:0\n";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final File DEV_NULL = new File("/dev/null");

    private final String prefix;
    private final Path logDir;

    /**
     * @param prefix what the task's name is appended to for its namespace's name
     * @param logDir where each task's process writes {@code <task name>.log}
     */
    public NamespaceTaskRuntime(String prefix, Path logDir) {
        this.prefix = prefix;
        this.logDir = logDir;
    }

    @Override
    public Sandbox createSandbox(TaskSpec spec) throws IOException {
        String ns = sandboxName(spec);
        check(List.of("ip", "netns", "add", ns));
        boolean success = false;
        try {
            Path dir = ETC_NETNS.resolve(ns);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), RESOLV_CONF);
            check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
            success = true;
            return new Sandbox(ns, NETNS_RUN.resolve(ns));
        } finally {
            if (!success) {
                removeSandbox(ns, new ArrayList<>());
            }
        }
    }

    @Override
    public RunningTask startProcess(TaskSpec spec, Sandbox sandbox, String ip) throws IOException {
        Path log = logDir.resolve(spec.name() + ".log");
        Files.createDirectories(log.getParent());
        List<String> argv = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", sandbox.name(), "env"));
        new TreeMap<>(spec.env()).forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(spec.command());
        // setsid and 'ip netns exec' exec in place: the PID is the task's command's own.
        Process p;
        try {
            p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IOException(describe(argv) + " could not start: " + e.getMessage(), e);
        }
        ProcessRef process = ProcessRef.of(p.pid()).orElseThrow(() -> new IOException("task " + spec.name()
                + " exited at once" + lastLogLine(log)));
        return new RunningTask(spec.id(), spec.name(), sandbox, ip, process, log);
    }

    @Override
    public TaskStatus status(RunningTask task) {
        return task.process().alive() ? TaskStatus.running()
                : TaskStatus.failed("its process exited" + lastLogLine(task.log()));
    }

    @Override
    public void stopProcess(RunningTask task, List<String> problems) {
        List<ProcessRef> processes = new ArrayList<>();
        processes.add(task.process());
        processes.addAll(pidsIn(task.sandbox().name()));
        List<ProcessRef> survivors = ProcessRef.terminate(processes, GRACE);
        if (!survivors.isEmpty()) {
            problems.add("task " + task.name() + ": processes survived SIGKILL: "
                    + survivors.stream().map(ProcessRef::pid).toList());
        }
    }

    @Override
    public void removeSandbox(String name, List<String> problems) {
        if (Files.exists(NETNS_RUN.resolve(name))) {
            List<ProcessRef> survivors = ProcessRef.terminate(pidsIn(name), GRACE);
            if (!survivors.isEmpty()) {
                problems.add(name + ": processes survived SIGKILL: " + survivors.stream().map(ProcessRef::pid).toList());
            }
            try {
                Result r = run(List.of("ip", "netns", "del", name));
                if (!r.ok() && Files.exists(NETNS_RUN.resolve(name))) {
                    problems.add("'ip netns del " + name + "'" + firstLine(r.stderr()));
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        deleteTree(ETC_NETNS.resolve(name), problems);
    }

    @Override
    public List<String> sandboxes() {
        if (!Files.isDirectory(NETNS_RUN)) {
            return List.of();
        }
        try (Stream<Path> names = Files.list(NETNS_RUN)) {
            return names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + NETNS_RUN, e);
        }
    }

    @Override
    public String sandboxName(TaskSpec spec) {
        return prefix + spec.name();
    }

    /**
     * Always empty: a namespace does not say which of its processes is the task's, so the
     * lab, which runs these tasks, finds them again by the records it keeps.
     */
    @Override
    public Optional<RunningTask> find(TaskSpec spec, String ip) {
        return Optional.empty();
    }

    private List<ProcessRef> pidsIn(String ns) {
        if (!Files.exists(NETNS_RUN.resolve(ns))) {
            return List.of();
        }
        List<ProcessRef> out = new ArrayList<>();
        try {
            for (String line : run(List.of("ip", "netns", "pids", ns)).stdout().split("\n")) {
                if (line.strip().matches("[0-9]+")) {
                    ProcessRef.of(Long.parseLong(line.strip())).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // No PIDs known: removing the namespace is what remains to try.
        }
        return out;
    }

    private record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private static void check(List<String> command) throws IOException {
        Result r = run(command);
        if (!r.ok()) {
            throw new IOException(describe(command) + " failed (exit " + r.exitCode() + ")" + firstLine(r.stderr()));
        }
    }

    private static Result run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        } catch (IOException e) {
            throw new IOException(describe(command) + " could not start: " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(describe(command) + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + "s");
            }
            return new Result(p.exitValue(), out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + describe(command), e);
        } catch (ExecutionException | TimeoutException e) {
            return new Result(p.exitValue(), "", "");
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String describe(List<String> command) {
        return "'" + String.join(" ", command) + "'";
    }

    private static String firstLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).findFirst().map(l -> ": " + l.strip()).orElse("");
    }

    /** The last non-blank line of a log, shortened to stay one readable line, after ": ", or "" for none. */
    private static String lastLogLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) {
                    return ": " + (l.length() > 300 ? l.substring(0, 300) + "..." : l);
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private static void deleteTree(Path root, List<String> problems) {
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
