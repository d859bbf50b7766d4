package io.swarmnet.cli;

import io.swarmnet.node.command.UserException;
import picocli.CommandLine;

/**
 * Makes every failure of the command line one line on stderr and a non-zero exit, the
 * way the docker CLI reports them: usage errors exit 2, runtime errors exit 1.
 */
public final class CliErrors {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    private CliErrors() {
    }

    public static void install(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("swarmnet: " + ex.getMessage()
                    + ". See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("swarmnet: error: " + describe(ex));
            if (!(ex instanceof UserException) && Boolean.getBoolean("swarmnet.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return EXIT_FAILURE;
        });
    }

    static String describe(Throwable ex) {
        if (ex instanceof UserException) {
            return ex.getMessage();
        }
        String msg = ex.getMessage();
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
