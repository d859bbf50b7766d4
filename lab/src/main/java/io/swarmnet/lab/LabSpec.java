package io.swarmnet.lab;

import io.swarmnet.sys.CpuSet;
import io.swarmnet.vxlan.vtep.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** What {@link Lab#up} builds: the lab's name, its size, the underlay MTU and the tools it runs. */
public final class LabSpec {
    public static final String DEFAULT_NAME = "swarmnet";
    public static final int MAX_MANAGERS = 7;
    // Workers are numbered from 192.0.2.21 and the client is .100; 20 leaves room below it.
    public static final int MAX_WORKERS = 20;
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 9000;
    public static final Path DEFAULT_STATE_ROOT = Path.of("/run/swarmnet/lab");
    // No '-' so "<lab>-" is never a prefix of another lab's namespaces; 12 characters
    // keep "<lab>-internet" readable in 'ip netns list'.
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,11}");

    private final String name;
    private final int managers;
    private final int workers;
    private final int underlayMtu;
    private final boolean agents;
    private final boolean docker;
    private final String dataPathTransport;
    private final String dataPathCpus;
    private final Path etcdBinary;
    private final Path stateRoot;
    private final Duration etcdTimeout;
    private final Duration agentTimeout;
    private final Consumer<String> progress;

    private LabSpec(Builder b) {
        this.name = b.name;
        this.managers = b.managers;
        this.workers = b.workers;
        this.underlayMtu = b.underlayMtu;
        this.agents = b.agents;
        this.docker = b.docker;
        this.dataPathTransport = b.dataPathTransport;
        this.dataPathCpus = b.dataPathCpus;
        this.etcdBinary = b.etcdBinary;
        this.stateRoot = b.stateRoot;
        this.etcdTimeout = b.etcdTimeout;
        this.agentTimeout = b.agentTimeout;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks a lab name, throwing {@link IllegalArgumentException} with the rule it breaks. */
    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid lab name '" + name
                    + "': use 1 to 12 lowercase letters and digits, starting with a letter");
        }
        return name;
    }

    public String name() {
        return name;
    }

    public int managers() {
        return managers;
    }

    public int workers() {
        return workers;
    }

    public int underlayMtu() {
        return underlayMtu;
    }

    /** Whether every manager and worker runs a {@code swarmnet agent}. */
    public boolean agents() {
        return agents;
    }

    /**
     * Whether every manager and worker runs its own dockerd, loaded with the lab's
     * images. Off unless asked for: {@code swarmnet lab up} asks (unless
     * {@code --no-docker}), tests ask through {@code LabExtension}.
     */
    public boolean docker() {
        return docker;
    }

    /** The agents' {@code --data-path-transport}: {@code epoll} or {@code io_uring}. */
    public String dataPathTransport() {
        return dataPathTransport;
    }

    /** The agents' {@code --data-path-cpus}, or null for their default (every CPU they may run on). */
    public String dataPathCpus() {
        return dataPathCpus;
    }

    /** The etcd binary to run, or null to find {@code etcd} on the PATH. */
    public Path etcdBinary() {
        return etcdBinary;
    }

    public Path stateRoot() {
        return stateRoot;
    }

    public Duration etcdTimeout() {
        return etcdTimeout;
    }

    public Duration agentTimeout() {
        return agentTimeout;
    }

    Consumer<String> progress() {
        return progress;
    }

    /** Advice that does not stop the lab, e.g. an even manager count. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (managers % 2 == 0) {
            w.add(managers + " managers: an odd count tolerates failures better (" + managers + " tolerate "
                    + ((managers - 1) / 2) + " lost, " + (managers + 1) + " tolerate " + (managers / 2) + ")");
        }
        return w;
    }

    /** Collects and validates a {@link LabSpec}. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private int managers = 1;
        private int workers = 2;
        private int underlayMtu = 1500;
        private boolean agents = true;
        private boolean docker;
        private String dataPathTransport = Transport.EPOLL.flagValue();
        private String dataPathCpus;
        private Path etcdBinary;
        private Path stateRoot = DEFAULT_STATE_ROOT;
        private Duration etcdTimeout = Duration.ofSeconds(30);
        private Duration agentTimeout = Duration.ofSeconds(60);
        private Consumer<String> progress = s -> { };

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder managers(int managers) {
            this.managers = managers;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder underlayMtu(int underlayMtu) {
            this.underlayMtu = underlayMtu;
            return this;
        }

        public Builder agents(boolean agents) {
            this.agents = agents;
            return this;
        }

        public Builder docker(boolean docker) {
            this.docker = docker;
            return this;
        }

        public Builder dataPathTransport(String dataPathTransport) {
            this.dataPathTransport = dataPathTransport;
            return this;
        }

        public Builder dataPathCpus(String dataPathCpus) {
            this.dataPathCpus = dataPathCpus;
            return this;
        }

        public Builder etcdBinary(Path etcdBinary) {
            this.etcdBinary = etcdBinary;
            return this;
        }

        public Builder stateRoot(Path stateRoot) {
            this.stateRoot = Objects.requireNonNull(stateRoot, "stateRoot");
            return this;
        }

        public Builder etcdTimeout(Duration etcdTimeout) {
            this.etcdTimeout = Objects.requireNonNull(etcdTimeout, "etcdTimeout");
            return this;
        }

        public Builder agentTimeout(Duration agentTimeout) {
            this.agentTimeout = Objects.requireNonNull(agentTimeout, "agentTimeout");
            return this;
        }

        /** Receives one line per step while the lab is built. */
        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Validates and builds; bad values throw {@link IllegalArgumentException} naming the rule. */
        public LabSpec build() {
            validateName(name);
            if (managers < 1 || managers > MAX_MANAGERS) {
                throw new IllegalArgumentException("--managers must be between 1 and " + MAX_MANAGERS + ", got " + managers);
            }
            if (workers < 0 || workers > MAX_WORKERS) {
                throw new IllegalArgumentException("--workers must be between 0 and " + MAX_WORKERS + ", got " + workers);
            }
            if (underlayMtu < MIN_MTU || underlayMtu > MAX_MTU) {
                throw new IllegalArgumentException("--underlay-mtu must be between " + MIN_MTU + " and " + MAX_MTU
                        + ", got " + underlayMtu);
            }
            try {
                Transport.fromFlag(dataPathTransport);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--data-path-transport: " + e.getMessage(), e);
            }
            if (dataPathCpus != null) {
                try {
                    CpuSet.parse(dataPathCpus);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--data-path-cpus: " + e.getMessage(), e);
                }
            }
            return new LabSpec(this);
        }
    }
}
