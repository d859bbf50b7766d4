package io.swarmnet.cli;

import io.swarmnet.cli.inspect.CaptureCommand;
import io.swarmnet.cli.inspect.DpCommand;
import io.swarmnet.cli.swarm.InitCommand;
import io.swarmnet.cli.swarm.NetworkCommand;
import io.swarmnet.cli.swarm.NodeCommand;
import io.swarmnet.cli.swarm.ServiceCommand;
import io.swarmnet.cli.swarm.StoreOptions;
import io.swarmnet.node.command.VersionProvider;
import io.swarmnet.node.daemon.AgentCommand;
import java.util.ServiceLoader;
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
            DpCommand.class, CaptureCommand.class})
public final class Main {

    @Mixin
    private StoreOptions storeOptions;

    private Main() {
    }

    /**
     * Builds the command line; tests run it in-process. The commands of every
     * {@link CommandProvider} on the class path follow the built-in ones, and {@code help}
     * comes last, so {@code --help} lists them in the order it always has.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class, Main.class.getClassLoader())) {
            for (Class<?> command : provider.commands()) {
                // WARNING: a CommandLine, not the class: picocli gives a class added here the root's
                // parser settings, which would undo a subcommand's own (lab exec's stopAtPositional).
                cl.addSubcommand(new CommandLine(command));
            }
        }
        cl.addSubcommand(CommandLine.HelpCommand.class);
        // After the subcommands: picocli hands the handlers only to those it has already.
        CliErrors.install(cl);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
