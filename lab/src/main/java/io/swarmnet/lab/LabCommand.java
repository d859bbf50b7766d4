package io.swarmnet.lab;

import io.swarmnet.cli.swarm.OptionSyntax;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swarmnet lab}: builds, inspects and removes a cluster made of network namespaces on this machine. */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        description = "A cluster on this machine made of network namespaces: an underlay switch, "
                + "managers running etcd, a dockerd and an agent, workers running a dockerd and an agent, "
                + "a client and an internet.",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class, LabCommand.Exec.class,
            LabCommand.Deploy.class, LabCommand.Scale.class, LabCommand.Rm.class, LabCommand.Image.class})
public final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: up, down, status, exec, deploy, scale, rm or image");
    }

    /** The {@code --name} option every lab command takes, validated as it is parsed. */
    static final class NameOption {
        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        String name = LabSpec.DEFAULT_NAME;

        @Option(names = "--name", paramLabel = "LAB", defaultValue = LabSpec.DEFAULT_NAME,
                description = "Lab name: 1 to 12 lowercase letters and digits (default: ${DEFAULT-VALUE}).")
        void name(String value) {
            try {
                name = LabSpec.validateName(value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), e.getMessage());
            }
        }
    }

    /** {@code lab up}. */
    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Builds a lab and returns when etcd, every dockerd and every agent are healthy; "
                    + "each manager and worker runs its own dockerd, loaded with the images swarmnet/echo and "
                    + "swarmnet/nginx, built offline.")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;
        @Option(names = "--managers", paramLabel = "N", defaultValue = "1",
                description = "Managers, each an etcd member and an agent, 1 to " + LabSpec.MAX_MANAGERS
                        + " (default: ${DEFAULT-VALUE}).")
        int managers;
        @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
                description = "Workers, each an agent, 0 to " + LabSpec.MAX_WORKERS + " (default: ${DEFAULT-VALUE}).")
        int workers;
        @Option(names = "--underlay-mtu", paramLabel = "BYTES", defaultValue = "1500",
                description = "MTU of the underlay links and bridge (default: ${DEFAULT-VALUE}).")
        int underlayMtu;
        @Option(names = "--etcd", paramLabel = "PATH", description = "The etcd binary (default: etcd on the PATH).")
        Path etcd;
        @Option(names = "--no-agents", description = "Build the namespaces and etcd only.")
        boolean noAgents;
        @Option(names = "--no-docker", description = "Run no dockerd on the hosts (and build no images).")
        boolean noDocker;
        @Option(names = "--data-path-transport", paramLabel = "epoll|io_uring", defaultValue = "epoll",
                description = "The agents' --data-path-transport (default: ${DEFAULT-VALUE}).")
        String dataPathTransport;
        @Option(names = "--data-path-cpus", paramLabel = "LIST",
                description = "The agents' --data-path-cpus, e.g. 0 (default: theirs, every CPU they may run on).")
        String dataPathCpus;

        @Override
        public Integer call() {
            LabSpec s = labSpec(spec, LabSpec.builder().name(lab.name).managers(managers).workers(workers)
                    .underlayMtu(underlayMtu).etcdBinary(etcd).agents(!noAgents).docker(!noDocker).dataPathTransport(dataPathTransport)
                    .dataPathCpus(dataPathCpus));
            Lab l = Lab.up(s);
            PrintWriter out = spec.commandLine().getOut();
            LabPrinter.text(l.status(), out);
            out.flush();
            return 0;
        }
    }

    /** {@code lab down}. */
    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Removes a lab: its containers, dockerds and other processes, cgroups, namespaces, "
                    + "/etc/netns entries and state; also a lab whose 'lab up' crashed.")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;

        @Override
        public Integer call() {
            DownReport r = Lab.down(lab.name);
            PrintWriter out = spec.commandLine().getOut();
            if (!r.existed()) {
                out.println("no lab named '" + lab.name + "'; nothing to remove");
            } else if (!r.clean()) {
                throw new LabException("lab '" + lab.name + "' was only partly removed: " + String.join("; ", r.problems()));
            } else {
                out.println("lab '" + lab.name + "' removed: " + r.namespaces().size() + " namespaces, "
                        + r.processesStopped() + " processes stopped");
            }
            out.flush();
            return 0;
        }
    }

    /** How {@code lab status} prints. */
    enum Format { text, json }

    /** {@code lab status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows hosts and addresses, etcd members, leader and health, dockerds and their sockets, "
                    + "agents and their health.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;
        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
                description = "text or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() {
            Preflight.requireRoot();
            LabStatus s = Lab.open(lab.name).status();
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.json) {
                LabPrinter.json(s, out);
            } else {
                LabPrinter.text(s, out);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code lab exec}. */
    @Command(name = "exec", mixinStandardHelpOptions = true, modelTransformer = Exec.StopAtHost.class,
            description = "Runs a command on a lab host with this terminal, and exits with its exit code. "
                    + "Options go before HOST; everything after HOST (or after '--') is the command.")
    static final class Exec implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** Makes every argument after HOST part of the command, so {@code ping -c1} needs no {@code --}. */
        static final class StopAtHost implements CommandLine.IModelTransformer {
            @Override
            public CommandSpec transform(CommandSpec spec) {
                spec.parser().stopAtPositional(true);
                return spec;
            }
        }

        @Mixin
        NameOption lab;
        @Parameters(index = "0", paramLabel = "HOST", description = "m1.., w1.., client, internet or fabric.")
        String host;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
        List<String> command;

        @Override
        public Integer call() {
            // Parsing stops at HOST, so a '--' the user put after it is still here.
            List<String> argv = !command.isEmpty() && command.get(0).equals("--") ? command.subList(1, command.size()) : command;
            if (argv.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "missing the command to run on " + host);
            }
            Preflight.requireRoot();
            return Lab.open(lab.name).execInteractive(host, argv);
        }
    }

    /** {@code lab deploy}. */
    @Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Creates a service in the lab's cluster and runs its tasks: one namespace per task on the "
                    + "host the scheduler picked, attached through that host's agent, running CMD. "
                    + "A leading 'swarmnet' in CMD runs this build, e.g. -- swarmnet echo-server.")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;
        @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name: lowercase letters, digits, '-'.")
        String service;
        @Option(names = "--replicas", paramLabel = "N", defaultValue = "1", description = "Number of tasks (default: ${DEFAULT-VALUE}).")
        int replicas;
        @Option(names = "--network", paramLabel = "NETWORK",
                description = "An existing overlay network to join (default: a new attachable overlay SERVICE_default, "
                        + "removed with the service).")
        String network;
        @Option(names = {"-p", "--publish"}, paramLabel = "PORT",
                description = "Publish a port: published=P,target=T[,protocol=udp][,mode=host][,proxy-protocol=v2] or [P:]T[/udp].")
        List<String> ports = new ArrayList<>();
        @Parameters(index = "1..*", paramLabel = "CMD", description = "What each task runs, after '--'.")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            DeploySpec d;
            try {
                ports.forEach(new OptionSyntax.Publish()::convert);
                d = new DeploySpec(service, replicas, network, ports, command);
            } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Preflight.requireRoot();
            printTasks(spec, LabTasks.open(Lab.open(lab.name)).deploy(d));
            return 0;
        }
    }

    /** {@code lab scale}. */
    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Sets services' replicas, starting or stopping tasks to match, as 'docker service scale' does.")
    static final class Scale implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;
        @Parameters(arity = "1..*", paramLabel = "SERVICE=N", description = "A service and its new replica count.")
        List<String> targets;

        @Override
        public Integer call() {
            List<String[]> parsed = new ArrayList<>();
            for (String t : targets) {
                int eq = t.indexOf('=');
                if (eq <= 0 || !t.substring(eq + 1).matches("-?[0-9]{1,9}")) {
                    throw new ParameterException(spec.commandLine(), "invalid scale '" + t + "': expected SERVICE=REPLICAS");
                }
                try {
                    DeploySpec.validateService(t.substring(0, eq));
                    DeploySpec.validateReplicas(Integer.parseInt(t.substring(eq + 1)));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
                parsed.add(new String[] {t.substring(0, eq), t.substring(eq + 1)});
            }
            Preflight.requireRoot();
            LabTasks tasks = LabTasks.open(Lab.open(lab.name));
            List<LabTask> all = new ArrayList<>();
            for (String[] p : parsed) {
                all.addAll(tasks.scale(p[0], Integer.parseInt(p[1])));
            }
            printTasks(spec, all);
            return 0;
        }
    }

    /** {@code lab rm}. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Removes services: stops their tasks, detaches and deletes their namespaces, removes the "
                    + "service and its default network.")
    static final class Rm implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NameOption lab;
        @Parameters(arity = "1..*", paramLabel = "SERVICE", description = "Service names.")
        List<String> services;

        @Override
        public Integer call() {
            Preflight.requireRoot();
            PrintWriter out = spec.commandLine().getOut();
            LabTasks tasks = LabTasks.open(Lab.open(lab.name));
            for (String s : services) {
                List<LabTask> removed = tasks.remove(s);
                out.println(s + ": " + removed.size() + " task" + (removed.size() == 1 ? "" : "s") + " removed");
                out.flush();
            }
            return 0;
        }
    }

    /** {@code lab image}. */
    @Command(name = "image", mixinStandardHelpOptions = true, subcommands = Image.Load.class,
            description = "Images on the lab hosts' dockerds.")
    static final class Image implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "missing subcommand: load");
        }

        /** {@code lab image load}. */
        @Command(name = "load", mixinStandardHelpOptions = true,
                description = "Loads a 'docker save' tarball into the dockerd of every manager and worker "
                        + "(no registry is reachable from a lab).")
        static final class Load implements Callable<Integer> {
            @Spec
            CommandSpec spec;
            @Mixin
            NameOption lab;
            @Parameters(index = "0", paramLabel = "FILE", description = "The tarball, as 'docker save -o FILE' writes it.")
            Path tarball;

            @Override
            public Integer call() {
                Preflight.requireRoot();
                Lab l = Lab.open(lab.name);
                List<String> loaded = l.loadImage(tarball);
                PrintWriter out = spec.commandLine().getOut();
                String hosts = l.hosts().stream().filter(LabHost::runsDocker).map(LabHost::name)
                        .collect(Collectors.joining(", "));
                out.println("loaded " + (loaded.isEmpty() ? tarball.toString() : String.join(", ", loaded)) + " on " + hosts);
                out.flush();
                return 0;
            }
        }
    }

    /** Prints the task table, and a warning on stderr for every task whose command has already exited. */
    static void printTasks(CommandSpec spec, List<LabTask> tasks) {
        LabPrinter.tasks(tasks, spec.commandLine().getOut());
        PrintWriter err = spec.commandLine().getErr();
        for (LabTask t : tasks) {
            if (!t.running()) {
                err.println("swarmnet: warning: task " + t.name() + " is not running" + StartedDaemon.lastLogLine(Path.of(t.log()), ": "));
            }
        }
        err.flush();
    }

    /** Builds a spec from options; a value out of range is a usage error (exit 2) naming the option. */
    static LabSpec labSpec(CommandSpec spec, LabSpec.Builder b) {
        PrintWriter err = spec.commandLine().getErr();
        b.progress(line -> {
            err.println("swarmnet: " + line);
            err.flush();
        });
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
