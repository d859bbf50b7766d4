package io.swarmnet.gwbridge;

import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network namespaces of one test, named {@code gwb<random>-<role>} so parallel runs
 * never collide, built with {@code ip} (test scaffolding only) and all removed by
 * {@link #close()} whatever the test did.
 */
final class TestNamespaces implements AutoCloseable {
    private final String prefix = String.format("gwb%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    private final List<String> names = new ArrayList<>();
    private final List<Netns> opened = new ArrayList<>();

    /** Creates namespace {@code <prefix>-role} with its loopback up and returns its name. */
    String create(String role) throws IOException {
        String name = prefix + "-" + role;
        run("ip", "netns", "add", name);
        names.add(name);
        ip(name, "link", "set", "lo", "up");
        return name;
    }

    /** Opens {@code name}; closed with the rest. */
    Netns open(String name) throws IOException {
        Netns netns = Netns.named(name);
        opened.add(netns);
        return netns;
    }

    /** Runs {@code ip -n NAME args...} and returns its output. */
    String ip(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(new String[0]));
    }

    /** Runs {@code command} inside namespace {@code name} and returns its output. */
    String exec(String name, String... command) throws IOException {
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
        IOException failure = null;
        for (Netns netns : opened) {
            try {
                netns.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", names.get(i));
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
