package io.swarmnet.sys.testing;

import io.swarmnet.sys.Netns;
import io.swarmnet.sys.Sysctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made with {@code ip netns add} under a unique name for one test, its
 * loopback up, removed by {@link #close()} whatever the test did. Everything in it (veths,
 * TAPs, addresses) goes with it. The one namespace fixture of every module's tests.
 */
public final class TestNamespace implements AutoCloseable {
    private final String name;
    private final Netns netns;

    private TestNamespace(String name) throws IOException {
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

    /**
     * Creates a namespace named {@code <prefix><6 random hex digits>}: keep the prefix short
     * (a module's tag and a role, {@code vxlc}, {@code gwb-host}), interface-name games need it.
     */
    public static TestNamespace create(String prefix) throws IOException {
        return new TestNamespace(String.format("%s%06x", prefix, ThreadLocalRandom.current().nextInt(1 << 24)));
    }

    public String name() {
        return name;
    }

    public Netns netns() {
        return netns;
    }

    /** Turns IPv6 off inside, so no router solicitation or MLD report comes between a test's frames. */
    public void disableIpv6() throws IOException {
        if (Files.isDirectory(Paths.get("/proc/sys/net/ipv6"))) {
            netns.call(() -> {
                Sysctl.write("net.ipv6.conf.all.disable_ipv6", "1");
                Sysctl.write("net.ipv6.conf.default.disable_ipv6", "1");
                return null;
            });
        }
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

    /** Runs {@code command} in the caller's namespace, failing on a non-zero exit, and returns its output. */
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
