package io.swarmnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's cluster state, changed the way an operator changes it: the {@code swarmnet}
 * CLI of this very build, run on the lab's client host against the managers' etcd.
 *
 * <p>Why a process and not a store client in this JVM: etcd listens only inside the
 * lab's namespaces, and a JVM cannot move its (gRPC, Netty) threads into another network
 * namespace reliably; the client host reaches every manager over the underlay.
 */
final class LabCluster {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_PREFIX = "swarmnet: error: ";

    private final Lab lab;

    LabCluster(Lab lab) {
        this.lab = lab;
    }

    /** Runs {@code swarmnet --store <lab's etcd> ARGS} on the client host. */
    CommandRunner.Result run(List<String> args) {
        List<String> argv = new ArrayList<>(List.of("swarmnet", "--store", lab.storeUrl()));
        argv.addAll(args);
        return lab.exec("client", TIMEOUT, LabTasks.resolve(argv));
    }

    CommandRunner.Result run(String... args) {
        return run(List.of(args));
    }

    /**
     * Runs a command that must succeed and returns its stdout.
     *
     * @throws LabException with the CLI's one-line error
     */
    String check(List<String> args) {
        CommandRunner.Result r = run(args);
        if (!r.ok()) {
            throw new LabException(error(r));
        }
        return r.stdout();
    }

    String check(String... args) {
        return check(List.of(args));
    }

    /** Runs a command that prints one JSON object per line and returns them. */
    List<JsonNode> lines(String... args) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : check(args).split("\n")) {
            // Logging set up from a test class path may report on stdout; answers are objects.
            if (line.startsWith("{")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new LabException("'swarmnet " + String.join(" ", args) + "' printed a line that is not JSON: " + line, e);
                }
            }
        }
        return out;
    }

    /** The CLI's error line without its prefix. */
    static String error(CommandRunner.Result r) {
        // The JVM may warn first; the CLI's own answer is its "swarmnet:" line.
        for (String line : r.stderr().split("\n")) {
            if (line.startsWith(ERROR_PREFIX)) {
                return line.substring(ERROR_PREFIX.length()).strip();
            }
        }
        String first = CommandRunner.firstLine(r.stderr(), "");
        return first.isEmpty() ? "swarmnet exited with code " + r.exitCode() : first;
    }
}
