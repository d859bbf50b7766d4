package io.swarmnet.benchmarks.lab.mesh;

import io.swarmnet.benchmarks.lab.LabHosts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Background servers of a variant, each in a lab namespace, stopped by their own PIDs. */
final class Processes implements AutoCloseable {
    private final List<Process> running = new ArrayList<>();

    /** Starts {@code command} in {@code namespace} ({@code ip netns exec} execs it, so the PID is the server's). */
    Process start(String namespace, List<String> command, Path log) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        argv.addAll(command);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        running.add(p);
        return p;
    }

    /** Waits until {@code url} answers 200 from {@code namespace}, or fails naming the URL. */
    static void awaitHttp(LabHosts lab, String namespace, String url, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                lab.exec(namespace, Duration.ofSeconds(5), "curl", "-sf", "--max-time", "2", "-o", "/dev/null", url);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IOException(url + " never answered from " + namespace, last);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : running) {
            p.destroy();
        }
        for (Process p : running) {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        running.clear();
    }
}
