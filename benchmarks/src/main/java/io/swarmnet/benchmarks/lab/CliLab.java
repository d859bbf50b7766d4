package io.swarmnet.benchmarks.lab;

import io.swarmnet.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A lab built and removed through the same {@code swarmnet lab} commands a user runs, so
 * a benchmark measures exactly the topology people explore. Host addresses follow the
 * address plan in DESIGN.md.
 */
public final class CliLab implements LabHosts, AutoCloseable {
    private final String name;
    private final String cpus;

    private CliLab(String name, String cpus) {
        this.name = name;
        this.cpus = cpus;
    }

    /** Brings a lab up with {@code managers} managers and {@code workers} workers; fails if it cannot. */
    public static CliLab up(String name, int managers, int workers, int underlayMtu) {
        return up(name, managers, workers, underlayMtu, null, false);
    }

    /**
     * Brings a lab up whose agents run their data path on {@code cpus} ({@code lab up
     * --data-path-cpus}), and whose {@link #workload}s run there too; null leaves both on any CPU.
     * With {@code docker}, every manager and worker runs its own dockerd.
     */
    public static CliLab up(String name, int managers, int workers, int underlayMtu, String cpus, boolean docker) {
        List<String> argv = new ArrayList<>(List.of("lab", "up", "--name", name, "--managers", Integer.toString(managers),
                "--workers", Integer.toString(workers), "--underlay-mtu", Integer.toString(underlayMtu)));
        if (!docker) {
            // A dockerd's FORWARD policy and its background work would change what the data-path scenarios measure.
            argv.add("--no-docker");
        }
        if (cpus != null) {
            argv.addAll(List.of("--data-path-cpus", cpus));
        }
        int rc = Main.commandLine().execute(argv.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("lab up --name " + name + " failed (exit " + rc + ")");
        }
        return new CliLab(name, cpus);
    }

    @Override
    public String[] workload(String... cmd) {
        if (cpus == null) {
            return cmd;
        }
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus));
        pinned.addAll(List.of(cmd));
        return pinned.toArray(String[]::new);
    }

    @Override
    public void close() {
        Main.commandLine().execute("lab", "down", "--name", name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String namespace(String host) {
        return name + "-" + host;
    }

    @Override
    public String address(String host) {
        if (host.equals("client")) {
            return "192.0.2.100";
        }
        if (host.equals("internet")) {
            return "198.51.100.1";
        }
        if (host.matches("[mw][1-9][0-9]?")) {
            int index = Integer.parseInt(host.substring(1));
            return "192.0.2." + ((host.charAt(0) == 'm' ? 10 : 20) + index);
        }
        throw new IllegalArgumentException("no such lab host: " + host);
    }

    @Override
    public String run(Duration timeout, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out after " + timeout.toSeconds() + " s");
        }
        String stdout = new String(out.get(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": "
                    + new String(err.get(), StandardCharsets.UTF_8).trim());
        }
        return stdout;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
