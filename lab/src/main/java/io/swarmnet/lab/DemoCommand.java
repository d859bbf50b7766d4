package io.swarmnet.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarmnet demo}: a fresh lab named {@code demo} whose agents run an echo service as
 * containers across its hosts, through each host's own dockerd, published on port 8000
 * through the routing mesh, left running, with what to try next.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Replaces any lab named 'demo' with a fresh one (a dockerd on every host), has the agents run an"
                + " echo service as containers on every host, published on port " + DemoCommand.PORT + ", shows the"
                + " containers reaching each other across hosts and by the service's name, and the "
                + "client reaching every task through every host's port " + DemoCommand.PORT
                + " (the routing mesh), leaves it running and shows what to try.")
public final class DemoCommand implements Callable<Integer> {
    static final String NAME = "demo";
    static final String SERVICE = "echo";
    static final String NETWORK = "echo_default";
    static final int REPLICAS = 6;
    static final int PORT = 8000;
    private static final Duration WAIT = Duration.ofSeconds(60);

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
        LabSpec s = LabCommand.labSpec(spec, LabSpec.builder().name(name).managers(managers).workers(workers).docker(true));
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
        out.println("Deploying service " + SERVICE + " through the agents: " + REPLICAS + " containers of " + LabImages.ECHO
                + " on overlay " + NETWORK + ", published on port " + PORT + ":");
        List<DemoTask> tasks = deploy(lab);
        for (DemoTask t : tasks) {
            out.println("  " + t.name() + "  " + t.host() + "  " + t.ip() + "  container " + t.container().substring(0, 12));
        }
        out.println();
        out.println("Tasks reaching each other across hosts over the overlay (HTTP to port 80, from inside the containers):");
        for (DemoTask to : tasks) {
            DemoTask from = tasks.stream().filter(t -> !t.host().equals(to.host())).findFirst().orElse(tasks.get(0));
            out.println("  " + from.name() + " (" + from.host() + ") -> " + to.name() + " (" + to.host() + "): "
                    + who(lab, from, "http://" + to.ip() + "/"));
        }
        out.println("  " + tasks.get(0).name() + " -> http://" + SERVICE + "/ (the service's name and VIP, through the"
                + " embedded DNS at 127.0.0.11): " + who(lab, tasks.get(0), "http://" + SERVICE + "/"));
        out.println();
        out.println("The client reaching port " + PORT + " of every host (the routing mesh), " + REPLICAS
                + " requests each; every host hands them to the tasks in turn:");
        CommandRunner runner = new CommandRunner();
        for (LabHost host : lab.hosts()) {
            if (host.runsAgent()) {
                out.println("  " + host.name() + " " + lab.address(host.name()) + ":" + PORT + "  " + mesh(runner, lab, host.name()));
            }
        }
        DemoTask first = tasks.get(0);
        DemoTask last = tasks.stream().filter(t -> !t.host().equals(first.host())).reduce((a, b) -> b)
                .orElse(tasks.get(tasks.size() - 1));
        String w1 = lab.workers() > 0 ? "w1" : "m1";
        String docker = "docker -H unix://" + lab.dockerSocket(first.host());
        out.println();
        out.println("Try:");
        out.println("  " + docker + " exec " + first.container().substring(0, 12) + " wget -qO- http://" + last.ip() + "/"
                + "   # a task asks another task, on another host");
        out.println("  " + docker + " exec " + first.container().substring(0, 12) + " nslookup tasks." + SERVICE
                + "   # the embedded DNS");
        out.println("  " + docker + " ps   # " + first.host() + "'s containers: each task and its sandbox");
        out.println("  bin/swarmnet lab exec --name " + name + " client -- curl -s http://" + lab.address(w1) + ":" + PORT + "/"
                + "   # the client, through the routing mesh");
        out.println("  bin/swarmnet lab exec --name " + name + " client -- bin/swarmnet --store " + lab.storeUrl()
                + " service ps " + SERVICE);
        out.println("  bin/swarmnet lab exec --name " + name + " client -- bin/swarmnet --store " + lab.storeUrl()
                + " service scale " + SERVICE + "=8");
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

    /** A task of the demo's service as {@code service ps} and its node's dockerd show it. */
    record DemoTask(String name, String host, String ip, String container) {
    }

    /**
     * Creates the service in the lab's store, waits until every agent reports its tasks
     * running, and finds each one's address and container.
     */
    private static List<DemoTask> deploy(Lab lab) {
        LabCluster cluster = new LabCluster(lab);
        cluster.check("init");
        cluster.check("network", "create", "--attachable", NETWORK);
        cluster.check("service", "create", "--name", SERVICE, "--replicas", Integer.toString(REPLICAS), "--network", NETWORK,
                "--publish", PORT + ":80", LabImages.ECHO);
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> ps = cluster.lines("service", "ps", "--format", "json", SERVICE);
        while (ps.stream().filter(t -> t.path("CurrentState").asText().startsWith("Running")).count() < REPLICAS) {
            if (System.nanoTime() - deadline > 0) {
                throw new LabException("the " + SERVICE + " tasks did not all run within " + WAIT.toSeconds() + " s:\n"
                        + cluster.run("service", "ps", SERVICE).stdout());
            }
            EtcdCluster.sleep(300);
            ps = cluster.lines("service", "ps", "--format", "json", SERVICE);
        }
        List<DemoTask> tasks = new ArrayList<>();
        for (JsonNode t : ps) {
            String host = lab.hosts().stream().filter(h -> h.namespace().equals(t.path("Node").asText()))
                    .map(LabHost::name).findFirst().orElseThrow();
            String ip = "";
            for (JsonNode a : t.path("Addresses")) {
                if (a.path("Network").asText().equals(NETWORK)) {
                    ip = a.path("Address").asText();
                }
            }
            String name = t.path("Name").asText();
            String container = lab.docker(host, "ps", "-q", "--no-trunc", "--filter", "label=swarmnet.task.name=" + name,
                    "--filter", "label=swarmnet.role=task").stdout().strip();
            tasks.add(new DemoTask(name, host, ip, container));
        }
        tasks.sort(Comparator.comparing(DemoTask::name));
        return tasks;
    }

    // A task that never answers is shown as such.
    private static String who(Lab lab, DemoTask from, String url) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            CommandRunner.Result r = lab.docker(from.host(), "exec", from.container(), "timeout", "3", "wget", "-qO-", url);
            String line = CommandRunner.firstLine(r.stdout(), "");
            if (r.ok() && !line.isEmpty()) {
                return line;
            }
            if (System.nanoTime() - deadline > 0) {
                return "no answer within " + WAIT.toSeconds() + "s: " + CommandRunner.firstLine(r.stderr(), "");
            }
            EtcdCluster.sleep(300);
        }
    }
}
