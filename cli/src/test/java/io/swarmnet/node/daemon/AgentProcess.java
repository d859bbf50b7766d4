package io.swarmnet.node.daemon;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code swarmnet agent} run as its own JVM, the way the lab and systemd run it, with the
 * production logging setup; stderr goes to a file so a chatty agent never blocks.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final HttpProbe probe;

    private AgentProcess(Process process, Path stderr, String metricsAddr) {
        this.process = process;
        this.stderr = stderr;
        this.probe = new HttpProbe(metricsAddr);
    }

    /** Starts {@code java ... io.swarmnet.cli.Main agent <args>}; {@code metricsAddr} must be among them. */
    static AgentProcess start(Path logDir, String metricsAddr, String... args) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath,
                "-Dlogback.configurationFile=logback.xml",
                "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "io.swarmnet.cli.Main", "agent"));
        if (Runtime.version().feature() >= 24) {
            // As bin/swarmnet's java_opts: JDK 24+ warns on stderr about Netty's JNI and
            // protobuf's Unsafe unless told these are expected.
            command.addAll(1, List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path stderr = Files.createTempFile(logDir, "agent-", ".stderr");
        Process p = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        return new AgentProcess(p, stderr, metricsAddr);
    }

    int status(String path) {
        return probe.status(path);
    }

    HttpResponse<String> get(String path) throws IOException {
        return probe.get(path);
    }

    /** Polls /healthz until it answers {@code code}; fails with the agent's stderr otherwise. */
    void awaitHealth(int code, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + stderr());
            }
            last = status("/healthz");
            if (last == code) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/healthz answered " + last + ", not " + code + ", for " + timeout + ":\n" + stderr());
    }

    /** Sends SIGTERM, as systemd and the lab do, and returns the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent did not exit within " + timeout + " of SIGTERM:\n" + stderr());
        }
        return process.exitValue();
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("agent still runs after " + timeout + ":\n" + stderr());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Kills the agent if a test left it running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
