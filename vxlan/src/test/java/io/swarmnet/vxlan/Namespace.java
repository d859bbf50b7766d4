package io.swarmnet.vxlan;

import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made with {@code ip netns add} under a unique {@code vx…} name for one
 * test, removed by {@link #close()} whatever the test did. Everything in it (veths, TAPs,
 * addresses) goes with it.
 */
public final class Namespace implements AutoCloseable {
    private final String name;
    private final Netns netns;

    private Namespace(String name) throws IOException {
        this.name = name;
        run("ip", "netns", "add", name);
        Netns opened = null;
        try {
            opened = Netns.named(name);
            run("ip", "-n", name, "link", "set", "lo", "up");
        } finally {
            if (opened == null) {
                run("ip", "netns", "del", name);
            }
        }
        this.netns = opened;
    }

    /** Creates a namespace named {@code vx<role><random>}, short enough for interface-name games. */
    public static Namespace create(String role) throws IOException {
        return new Namespace(String.format("vx%s%06x", role, ThreadLocalRandom.current().nextInt(1 << 24)));
    }

    public String name() {
        return name;
    }

    public Netns netns() {
        return netns;
    }

    /** Runs {@code ip -n NAME args...} and returns its output. */
    public String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(new String[0]));
    }

    /** Runs {@code command} inside the namespace, failing on a non-zero exit, and returns its output. */
    public String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(command));
        return run(full.toArray(new String[0]));
    }

    /** Runs {@code command} inside the namespace and returns its exit code, output ignored. */
    public int status(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return waitFor(process, full, 30);
    }

    public static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        int status = waitFor(process, Arrays.asList(command), 30);
        String output = new String(out, StandardCharsets.UTF_8);
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited " + status + ": " + output);
        }
        return output;
    }

    private static int waitFor(Process process, List<String> command, int seconds) throws IOException {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            netns.close();
        } finally {
            run("ip", "netns", "del", name);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
