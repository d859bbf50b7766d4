package io.swarmnet.lab;

import io.swarmnet.cli.inspect.AgentLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the agents of the labs on this host for {@code dp} and {@code capture}: one per
 * lab host, at {@code <state-root>/<lab>/<host>/agent/api.sock}; {@code m1} or {@code w2}
 * names the host of that short name.
 */
public final class LabAgentLocator implements AgentLocator {

    @Override
    public List<Path> sockets() {
        Path stateRoot = LabSpec.DEFAULT_STATE_ROOT;
        if (!Files.isDirectory(stateRoot)) {
            return List.of();
        }
        try (Stream<Path> labs = Files.list(stateRoot)) {
            List<Path> out = new ArrayList<>();
            for (Path lab : labs.sorted().toList()) {
                try (Stream<Path> hosts = Files.list(lab)) {
                    hosts.sorted().map(h -> h.resolve("agent").resolve("api.sock")).filter(Files::exists).forEach(out::add);
                } catch (IOException e) {
                    // A lab being removed: skip it.
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public String where() {
        return LabSpec.DEFAULT_STATE_ROOT.toString();
    }

    @Override
    public boolean isShortName(String hostname, String node) {
        return hostname.endsWith("-" + node) && node.matches("[mw][0-9]+");
    }
}
