package io.swarmnet.agent.lab;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code swarmnet demo}: a fresh lab named {@code demo}, left running, with what to try next. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Replaces any lab named 'demo' with a fresh one, leaves it running and shows what to try.")
public final class DemoCommand implements Callable<Integer> {
    static final String NAME = "demo";

    @Spec
    CommandSpec spec;
    @Option(names = "--managers", paramLabel = "N", defaultValue = "3",
            description = "Managers, 1 to " + LabSpec.MAX_MANAGERS + " (default: ${DEFAULT-VALUE}).")
    int managers;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Workers, 0 to " + LabSpec.MAX_WORKERS + " (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() {
        LabSpec s = LabCommand.labSpec(spec, LabSpec.builder().name(NAME).managers(managers).workers(workers));
        // Check before removing the old demo, so a missing tool does not cost it.
        Lab.preflight(s);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DownReport old = Lab.down(NAME);
        if (old.existed()) {
            err.println("swarmnet: removed the previous demo lab (" + old.namespaces().size() + " namespaces)");
            err.flush();
        }
        Lab lab = Lab.up(s);
        LabPrinter.text(lab.status(), out);
        String w1 = lab.workers() > 0 ? "w1" : "m1";
        out.println();
        out.println("Try:");
        out.println("  bin/swarmnet lab exec --name demo client -- ping -c1 " + lab.address(w1)
                + "      # the client reaches a host over the underlay");
        out.println("  bin/swarmnet lab exec --name demo m1 -- curl -s http://" + lab.metricsAddr("m1") + "/metrics | head"
                + "   # an agent's metrics");
        out.println("  bin/swarmnet lab exec --name demo m1 -- etcdctl --endpoints " + String.join(",", lab.etcdEndpoints())
                + " member list");
        out.println("  bin/swarmnet lab status --name demo");
        out.println("Remove it with:");
        out.println("  bin/swarmnet lab down --name demo");
        out.flush();
        return 0;
    }
}
