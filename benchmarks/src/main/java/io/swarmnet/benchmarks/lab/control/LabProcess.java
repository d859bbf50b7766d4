package io.swarmnet.benchmarks.lab.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of ours started inside a lab namespace ({@code ip netns exec NS java ...}) on this
 * JVM's class path, talking lines over stdin/stdout; its stderr goes to a log file that
 * is deleted when it ends cleanly and named in errors otherwise.
 */
final class LabProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private LabProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readLines, "lab-process-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code args} in {@code namespace}. */
    static LabProcess java(String namespace, Class<?> main, List<String> args) throws IOException {
        String name = namespace + "-" + main.getSimpleName();
        Path log = Files.createTempFile("swarmnet-bench-" + name + "-", ".log");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-Xmx256m", "-Dswarmnet.logLevel=WARN",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        return new LabProcess(name, p, log);
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what it printed is kept.
        }
        synchronized (lines) {
            lines.notifyAll();
        }
    }

    /** Every line printed so far that starts with {@code prefix} followed by a space. */
    List<String> lines(String prefix) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(prefix + " ")).toList();
        }
    }

    /**
     * Waits until {@code count} lines start with {@code prefix} and returns the last of them.
     *
     * @throws IOException naming the process and its log when it ends or the time runs out first
     */
    String await(String prefix, int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> matching = lines.stream().filter(l -> l.startsWith(prefix + " ")).toList();
                if (matching.size() >= count) {
                    return matching.get(count - 1);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new IOException(name + (process.isAlive() ? " printed " + matching.size() + " of " + count
                            + " '" + prefix + "' lines within " + timeout.toSeconds() + " s"
                            : " exited with " + process.exitValue()) + "; its log " + log + ":\n" + tail());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** Waits for one line starting with {@code prefix}. */
    String await(String prefix, Duration timeout) throws IOException, InterruptedException {
        return await(prefix, 1, timeout);
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the process to exit by itself; true when it exited with 0. */
    boolean waitForSuccess(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0;
    }

    String describe() {
        return name + " (log " + log + ")";
    }

    /** Asks it to quit, kills it after a grace period, and deletes its log if it ended cleanly. */
    @Override
    public void close() throws InterruptedException {
        try {
            send("quit");
        } catch (IOException e) {
            // Already gone.
        }
        boolean clean = process.waitFor(3, TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!clean) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(1_000);
        if (clean) {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // A stray log file in /tmp is harmless.
            }
        }
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
