package io.swarmnet.lab;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarmnet demo}: a fresh lab named {@code demo} running an echo service across its
 * hosts, published on port 8000 through the routing mesh, left running, with what to try next.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Replaces any lab named 'demo' with a fresh one, deploys an echo service with tasks on every host, "
                + "published on port " + DemoCommand.PORT + ", shows the tasks reaching each other across hosts and the "
                + "client reaching every task through every host's port " + DemoCommand.PORT
                + " (the routing mesh), leaves it running and shows what to try.")
public final class DemoCommand implements Callable<Integer> {
    static final String NAME = "demo";
    static final String SERVICE = "echo";
    static final int REPLICAS = 6;
    static final int PORT = 8000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;
    // Hidden: a second demo beside someone's 'demo', e.g. while testing this command.
    @Option(names = "--name", paramLabel = "LAB", defaultValue = NAME, hidden = true)
    String name;
    @Option(names = "--managers", paramLabel = "N", defaultValue = "3",
            description = "Managers, 1 to " + LabSpec.MAX_MANAGERS + " (default: ${DEFAULT-VALUE}).")
    int managers;
    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "Workers, 0 to " + LabSpec.MAX_WORKERS + " (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() {
        LabSpec s = LabCommand.labSpec(spec, LabSpec.builder().name(name).managers(managers).workers(workers));
        // Check before removing the old demo, so a missing tool does not cost it.
        Lab.preflight(s);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DownReport old = Lab.down(name);
        if (old.existed()) {
            err.println("swarmnet: removed the previous demo lab (" + old.namespaces().size() + " namespaces)");
            err.flush();
        }
        Lab lab = Lab.up(s);
        LabPrinter.text(lab.status(), out);
        out.println();
        out.println("Deploying service " + SERVICE + " (" + REPLICAS + " replicas of 'swarmnet echo-server',"
                + " published on port " + PORT + "):");
        List<LabTask> tasks = LabTasks.open(lab).deploy(new DeploySpec(SERVICE, REPLICAS, null, List.of(PORT + ":80"),
                List.of("swarmnet", "echo-server")));
        LabCommand.printTasks(spec, tasks);
        out.println();
        out.println("Tasks reaching each other across hosts over the overlay (HTTP to port 80):");
        CommandRunner runner = new CommandRunner();
        for (LabTask to : tasks) {
            LabTask from = tasks.stream().filter(t -> !t.host().equals(to.host())).findFirst().orElse(tasks.get(0));
            out.println("  " + from.name() + " (" + from.host() + ") -> " + to.name() + " (" + to.host() + "): "
                    + who(runner, from, to));
        }
        out.println();
        out.println("The client reaching port " + PORT + " of every host (the routing mesh), " + REPLICAS
                + " requests each; every host hands them to the tasks in turn:");
        for (LabHost host : lab.hosts()) {
            if (host.runsAgent()) {
                out.println("  " + host.name() + " " + lab.address(host.name()) + ":" + PORT + "  " + mesh(runner, lab, host.name()));
            }
        }
        LabTask first = tasks.get(0);
        LabTask last = tasks.stream().filter(t -> !t.host().equals(first.host())).reduce((a, b) -> b)
                .orElse(tasks.get(tasks.size() - 1));
        String w1 = lab.workers() > 0 ? "w1" : "m1";
        out.println();
        out.println("Try:");
        out.println("  ip netns exec " + first.namespace() + " curl -s http://" + last.ip() + "/"
                + "   # a task asks another task, on another host");
        out.println("  ip netns exec " + first.namespace() + " ping -c3 " + last.ip());
        out.println("  bin/swarmnet lab exec --name " + name + " client -- curl -s http://" + lab.address(w1) + ":" + PORT + "/"
                + "   # the client, through the routing mesh");
        out.println("  bin/swarmnet lab scale --name " + name + " " + SERVICE + "=8");
        out.println("  bin/swarmnet lab deploy --name " + name + " web --replicas 2 -- swarmnet echo-server"
                + "   # another service on its own overlay");
        out.println("  bin/swarmnet lab exec --name " + name + " client -- ping -c1 " + lab.address(w1)
                + "      # the client reaches a host over the underlay");
        out.println("  bin/swarmnet lab exec --name " + name + " m1 -- curl -s http://" + lab.metricsAddr("m1") + "/metrics | head"
                + "   # an agent's metrics");
        out.println("  bin/swarmnet lab exec --name " + name + " m1 -- etcdctl --endpoints " + String.join(",", lab.etcdEndpoints())
                + " member list");
        out.println("  bin/swarmnet lab status --name " + name);
        out.println("Remove it with:");
        out.println("  bin/swarmnet lab down --name " + name);
        out.flush();
        return 0;
    }

    // The task names that answer REPLICAS requests to the host's published port, in order.
    private static String mesh(CommandRunner runner, Lab lab, String host) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < REPLICAS; i++) {
            CommandRunner.Result r = runner.run(List.of("ip", "netns", "exec", lab.namespace("client"),
                    "curl", "-s", "--max-time", "2", "http://" + lab.address(host) + ":" + PORT + "/"));
            String answer = CommandRunner.firstLine(r.stdout(), "");
            line.append(i == 0 ? "" : " ").append(r.ok() && !answer.isEmpty() ? answer.split(" ")[0] : "(no answer)");
        }
        return line.toString();
    }

    // The first answer takes a JVM start; a task that never answers is shown as such.
    private static String who(CommandRunner runner, LabTask from, LabTask to) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            CommandRunner.Result r = runner.run(List.of("ip", "netns", "exec", from.namespace(),
                    "curl", "-s", "--max-time", "2", "http://" + to.ip() + "/"));
            String line = CommandRunner.firstLine(r.stdout(), "");
            if (r.ok() && !line.isEmpty()) {
                return line;
            }
            if (System.nanoTime() - deadline > 0) {
                return "no answer within " + WAIT.toSeconds() + "s (log: " + to.log() + ")";
            }
            EtcdCluster.sleep(300);
        }
    }
}
