package io.swarmnet.lab;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A lab for one test class, under a random name so parallel runs never collide, and
 * always removed: after the class, and from a shutdown hook if the test JVM is stopped
 * first.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LabExtension LAB = LabExtension.builder().managers(3).workers(2).build();
 * </pre>
 *
 * <p>Hosts run no dockerd unless the test asks with {@code docker(true)}: starting them and
 * loading the images costs seconds most lab tests do not need.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final LabSpec.Builder spec;
    private String name;
    private Lab lab;
    private Thread hook;

    private LabExtension(LabSpec.Builder spec) {
        this.spec = spec;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A fresh lab name: "t" and 8 random letters and digits, so "t...-internet" stays short
     * and nothing else on the machine is named like it.
     */
    public static String randomName() {
        StringBuilder sb = new StringBuilder("t");
        for (int i = 0; i < 8; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        name = randomName();
        String lab = name;
        // Registered before the lab exists: a fork killed during 'up' still cleans up.
        hook = new Thread(() -> Lab.down(lab), "lab-" + lab + "-down");
        Runtime.getRuntime().addShutdownHook(hook);
        this.lab = Lab.up(spec.name(name).build());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            DownReport r = Lab.down(name);
            if (!r.clean()) {
                throw new IllegalStateException("lab " + name + " was not removed completely: " + r.problems());
            }
        } finally {
            lab = null;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already and removes the lab itself.
            }
        }
    }

    /** The running lab. */
    public Lab lab() {
        if (lab == null) {
            throw new IllegalStateException("no lab: register LabExtension on a static field with @RegisterExtension");
        }
        return lab;
    }

    /** The lab's random name. */
    public String name() {
        return lab().name();
    }

    /** Runs a command on a host ({@code m1}, {@code w2}, {@code client}, {@code internet}, {@code fabric}). */
    public CommandRunner.Result exec(String host, String... command) {
        return lab().exec(host, command);
    }

    public CommandRunner.Result exec(String host, Duration timeout, List<String> command) {
        return lab().exec(host, timeout, command);
    }

    public String address(String host) {
        return lab().address(host);
    }

    /** Runs the {@code docker} CLI against a host's own dockerd (a lab built with {@code docker(true)}). */
    public CommandRunner.Result docker(String host, String... args) {
        return lab().docker(host, args);
    }

    public String namespace(String host) {
        return lab().namespace(host);
    }

    public List<String> etcdEndpoints() {
        return lab().etcdEndpoints();
    }

    public String storeUrl() {
        return lab().storeUrl();
    }

    /** Collects the lab's size and options; the name is always random. */
    public static final class Builder {
        private final LabSpec.Builder spec = LabSpec.builder();

        private Builder() {
        }

        public Builder managers(int managers) {
            spec.managers(managers);
            return this;
        }

        public Builder workers(int workers) {
            spec.workers(workers);
            return this;
        }

        public Builder underlayMtu(int mtu) {
            spec.underlayMtu(mtu);
            return this;
        }

        public Builder agents(boolean agents) {
            spec.agents(agents);
            return this;
        }

        /** Whether managers and workers run their own dockerd with the lab's images (default: no). */
        public Builder docker(boolean docker) {
            spec.docker(docker);
            return this;
        }

        /** The agents' {@code --data-path-transport}, {@code epoll} or {@code io_uring}. */
        public Builder dataPathTransport(String transport) {
            spec.dataPathTransport(transport);
            return this;
        }

        public LabExtension build() {
            // Validated now, so a bad size fails where it is written, not in beforeAll.
            spec.name("probe").build();
            return new LabExtension(spec);
        }
    }
}
