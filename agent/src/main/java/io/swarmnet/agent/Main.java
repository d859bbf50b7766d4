package io.swarmnet.agent;

import io.swarmnet.agent.cli.CliErrors;
import io.swarmnet.agent.cli.VersionProvider;
import io.swarmnet.agent.cluster.InitCommand;
import io.swarmnet.agent.cluster.NetworkCommand;
import io.swarmnet.agent.cluster.NodeCommand;
import io.swarmnet.agent.cluster.ServiceCommand;
import io.swarmnet.agent.cluster.StoreOptions;
import io.swarmnet.agent.daemon.AgentCommand;
import io.swarmnet.agent.inspect.CaptureCommand;
import io.swarmnet.agent.inspect.DpCommand;
import io.swarmnet.agent.lab.DemoCommand;
import io.swarmnet.agent.lab.LabCommand;
import io.swarmnet.agent.workload.EchoServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code swarmnet} command: the node agent daemon and the tools around it. */
@Command(
        name = "swarmnet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "The networking data plane of a Docker Swarm-style cluster.",
        subcommands = {AgentCommand.class, InitCommand.class, NetworkCommand.class, ServiceCommand.class, NodeCommand.class,
            DpCommand.class, CaptureCommand.class, LabCommand.class, DemoCommand.class, EchoServerCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    @Mixin
    private StoreOptions storeOptions;

    private Main() {
    }

    /** Builds the command line; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        CliErrors.install(cl);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
