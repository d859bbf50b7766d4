package io.swarmnet.lab;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the lab's external tools ({@code ip}, {@code etcdctl}, {@code curl}) and turns a
 * failure into a {@link LabException} that names the command and quotes its stderr.
 *
 * <p>The lab shells out on purpose: it is tooling around the agent, and iproute2 is the
 * reference for what a namespace topology should look like. The agent's own data plane
 * talks netlink through the {@code sys} module.
 */
public final class CommandRunner {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final File DEV_NULL = new File("/dev/null");

    /** How a finished command exited and what it printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command to completion; a non-zero exit is returned, not thrown. */
    public Result run(Duration timeout, List<String> command) {
        Process p = start(new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)), command);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                throw new LabException(describe(command) + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new Result(p.exitValue(), collect(out), collect(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + describe(command), e);
        }
    }

    public Result run(List<String> command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    /** Runs a command that must succeed and returns its stdout. */
    public String check(List<String> command) {
        Result r = run(DEFAULT_TIMEOUT, command);
        if (!r.ok()) {
            throw new LabException(describe(command) + " failed (exit " + r.exitCode() + ")" + firstLine(r.stderr(), ": "));
        }
        return r.stdout();
    }

    public String check(String... command) {
        return check(List.of(command));
    }

    /**
     * Starts a long-running process in its own session, so it outlives the CLI and a
     * Ctrl-C at the terminal does not reach it; stdout and stderr append to {@code log}.
     * {@code setsid} and {@code ip netns exec} both exec in place, so the returned
     * process's PID is the PID of the daemon itself.
     */
    public Process spawnDetached(List<String> command, Path log) {
        List<String> argv = new ArrayList<>(command.size() + 1);
        argv.add("setsid");
        argv.addAll(command);
        return spawn(argv, log);
    }

    /** Starts a background process owned by this JVM; stdout and stderr append to {@code log}. */
    public Process spawn(List<String> command, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        return start(pb, command);
    }

    /** Renders a command for a message, the way a user would type it. */
    public static String describe(List<String> command) {
        return "'" + String.join(" ", command) + "'";
    }

    /** The first non-blank line of {@code text}, prefixed, or "" when there is none. */
    static String firstLine(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                return prefix + line.strip();
            }
        }
        return "";
    }

    private static Process start(ProcessBuilder pb, List<String> command) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new LabException(describe(command) + " could not start: " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
            }
        }, "lab-drain");
        t.setDaemon(true);
        t.start();
        return f;
    }

    // A background grandchild may hold the pipe open after the command exited; what it
    // printed by then is all the caller gets, the command's exit is what counts.
    private static String collect(CompletableFuture<String> f) throws InterruptedException {
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}
