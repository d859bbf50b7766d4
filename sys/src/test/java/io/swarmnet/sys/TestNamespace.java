package io.swarmnet.sys;

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
 * A network namespace made with {@code ip netns add} under a unique {@code sys*} name for
 * one test, and removed by {@link #close()} whatever the test did.
 */
final class TestNamespace implements AutoCloseable {
    private final String name;
    private final Netns netns;

    private TestNamespace(String name) throws IOException {
        this.name = name;
        run("ip", "netns", "add", name);
        Netns opened = null;
        try {
            opened = Netns.named(name);
        } finally {
            if (opened == null) {
                run("ip", "netns", "del", name);
            }
        }
        this.netns = opened;
    }

    static TestNamespace create() throws IOException {
        return new TestNamespace(String.format("sys%08x", ThreadLocalRandom.current().nextInt()));
    }

    String name() {
        return name;
    }

    Netns netns() {
        return netns;
    }

    /** Turns IPv6 off inside, so no router solicitation or MLD report comes between a test's frames. */
    void disableIpv6() throws IOException {
        if (Files.isDirectory(Paths.get("/proc/sys/net/ipv6"))) {
            netns.call(() -> {
                Sysctl.write("net.ipv6.conf.all.disable_ipv6", "1");
                Sysctl.write("net.ipv6.conf.default.disable_ipv6", "1");
                return null;
            });
        }
    }

    /** Runs {@code ip -n NAME args...} and returns its standard output. */
    String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(new String[0]));
    }

    /** Runs {@code command} inside the namespace and returns its standard output. */
    String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(Arrays.asList(command));
        return run(full.toArray(new String[0]));
    }

    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException {
        try {
            netns.close();
        } finally {
            run("ip", "netns", "del", name);
        }
    }
}
