package io.swarmnet.cli.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmnet.cli.swarm.StoreOptions;
import io.swarmnet.node.api.ApiClient;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.command.UserException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarmnet capture}: the inner frames of one overlay network on one node, written
 * by the agent as a pcap file for tcpdump, tshark or Wireshark. Runs until the count or
 * the duration is reached, or until interrupted, like tcpdump.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Captures the inner Ethernet frames of an overlay network on a node into a pcap file:"
                + " frames from the node's tasks and frames from other nodes, as they enter the VTEP.",
            "Runs until --count or --duration is reached, or until interrupted (Ctrl-C)."})
public final class CaptureCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @Spec
    CommandSpec spec;

    @Option(names = "--network", paramLabel = "NAME", required = true, description = "The overlay network to capture.")
    String network;

    @Option(names = "--node", paramLabel = "NODE",
            description = "The node (hostname, ID, or a lab host like w1) whose agent captures; its agent must run on"
                    + " this host (default: the agent under --data-root).")
    String node;

    @Option(names = {"-w", "--write"}, paramLabel = "FILE", required = true,
            description = "The pcap file to write (the agent writes it, as root).")
    Path file;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N frames.")
    long count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    long durationSeconds;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count must be 1 or more, not " + count);
        }
        if (durationSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be 1 or more seconds, not " + durationSeconds);
        }
        ApiClient agent = LocalAgents.find(StoreOptions.of(spec).dataRoot(), node);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("network", network);
        request.put("file", file.toAbsolutePath().normalize().toString());
        request.put("count", count);
        JsonNode started = call(agent, "POST", "/v1/capture/start", request);
        spec.commandLine().getErr().println("capturing network " + network + " (VNI " + started.path("vni").asInt()
                + ") to " + started.path("file").asText() + (count > 0 ? ", " + count + " frames" : "")
                + (durationSeconds > 0 ? ", " + durationSeconds + " s" : "") + "; Ctrl-C stops");
        spec.commandLine().getErr().flush();
        AtomicBoolean stopped = new AtomicBoolean();
        // Ctrl-C ends the JVM through its hooks: stop the agent's capture on the way out,
        // or it would go on writing after the command is gone.
        Thread hook = new Thread(() -> stop(agent, stopped), "swarmnet-capture-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long deadline = durationSeconds > 0 ? System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos() : Long.MAX_VALUE;
            while (System.nanoTime() < deadline) {
                JsonNode status = call(agent, "GET", "/v1/capture", null);
                if (status.path("complete").asBoolean() || status.hasNonNull("error")) {
                    break;
                }
                Thread.sleep(POLL.toMillis());
            }
        } finally {
            stop(agent, stopped);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs already and has stopped the capture.
            }
        }
        return 0;
    }

    private void stop(ApiClient agent, AtomicBoolean stopped) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            JsonNode done = agent.call("POST", "/v1/capture/stop", null);
            spec.commandLine().getErr().println(done.path("frames").asLong() + " frames captured to " + done.path("file").asText()
                    + ", " + done.path("dropped").asLong() + " dropped by the capture"
                    + (done.hasNonNull("error") ? "; writing failed: " + done.path("error").asText() : ""));
        } catch (ApiException e) {
            spec.commandLine().getErr().println("swarmnet: the capture had stopped already: " + e.getMessage());
        } catch (IOException e) {
            spec.commandLine().getErr().println("swarmnet: error: cannot stop the capture: " + e.getMessage());
        }
        spec.commandLine().getErr().flush();
    }

    private static JsonNode call(ApiClient agent, String method, String path, Object body) throws IOException {
        try {
            return agent.call(method, path, body);
        } catch (ApiException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
