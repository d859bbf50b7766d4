package io.swarmnet.node.daemon;

import io.swarmnet.gwbridge.GwBridgeConfig;
import io.swarmnet.node.mesh.IngressEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets swarmnet's forwarded traffic past Docker's firewall. A dockerd that turned IP
 * forwarding on sets the FORWARD policy to DROP and accepts only its own bridges' traffic,
 * so the tasks' egress through {@code docker_gwbridge}, the replies to it, the host-mode
 * ports DNATed onto it and the routing mesh through {@code snt-ingress} would be dropped.
 * Docker's documented place for other tools' rules is its {@code DOCKER-USER} chain, which
 * FORWARD jumps to first: these rules go at its top, each marked with the comment
 * {@value #COMMENT}, and are checked again every few seconds, since a dockerd that starts
 * after the agent creates the chain then.
 *
 * <p>Through the {@code iptables} command, on purpose: the chain is iptables-nft's, and
 * Docker's own iptables calls must keep parsing it, which rules written natively in nft
 * syntax do not guarantee. Without that command or that chain there is nothing to do.
 */
final class DockerUserRules {
    private static final Logger LOG = LoggerFactory.getLogger(DockerUserRules.class);
    static final String CHAIN = "DOCKER-USER";
    static final String COMMENT = "swarmnet";
    private static final long TIMEOUT_SECONDS = 10;

    /** The rules, each without the chain and the comment. */
    static final List<List<String>> RULES = List.of(
            List.of("-i", GwBridgeConfig.DEFAULT_BRIDGE, "!", "-o", GwBridgeConfig.DEFAULT_BRIDGE, "-j", "ACCEPT"),
            List.of("-o", GwBridgeConfig.DEFAULT_BRIDGE, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT",
                    "-j", "ACCEPT"),
            List.of("-o", IngressEndpoint.INTERFACE, "-j", "ACCEPT"),
            List.of("-i", IngressEndpoint.INTERFACE, "-j", "ACCEPT"));

    private boolean announced;

    /**
     * Inserts the rules that are missing when the chain exists.
     *
     * @return how many were inserted
     */
    int ensure() {
        if (!run(List.of("iptables", "-w", "5", "-n", "-L", CHAIN))) {
            announced = false;
            return 0;
        }
        int inserted = 0;
        for (int i = RULES.size() - 1; i >= 0; i--) {
            List<String> rule = RULES.get(i);
            if (!run(command("-C", rule))) {
                List<String> insert = new ArrayList<>(List.of("iptables", "-w", "5", "-I", CHAIN, "1"));
                insert.addAll(withComment(rule));
                if (run(insert)) {
                    inserted++;
                } else {
                    LOG.warn("cannot insert into Docker's {} chain: iptables {}", CHAIN, String.join(" ", rule));
                }
            }
        }
        if (inserted > 0 || !announced) {
            LOG.info("Docker's firewall is here: {} swarmnet rule(s) at the top of its {} chain let the tasks' egress"
                    + " and the routing mesh past its FORWARD policy", RULES.size(), CHAIN);
            announced = true;
        }
        return inserted;
    }

    /** Removes the rules, for {@code --cleanup}. */
    void remove() {
        for (List<String> rule : RULES) {
            while (run(command("-D", rule))) {
                // Once per copy.
            }
        }
    }

    private static List<String> command(String op, List<String> rule) {
        List<String> argv = new ArrayList<>(List.of("iptables", "-w", "5", op, CHAIN));
        argv.addAll(withComment(rule));
        return argv;
    }

    private static List<String> withComment(List<String> rule) {
        List<String> out = new ArrayList<>(rule.subList(0, rule.size() - 2));
        out.addAll(List.of("-m", "comment", "--comment", COMMENT));
        out.addAll(rule.subList(rule.size() - 2, rule.size()));
        return out;
    }

    private static boolean run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("{} took more than {} s", String.join(" ", argv), TIMEOUT_SECONDS);
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            // No iptables command: no iptables-nft firewall of Docker's to get past.
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
