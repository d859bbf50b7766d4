package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.ClusterException;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.node.command.UserException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A CLI command over the cluster state: connects to the store the global options name,
 * runs, disconnects, and turns refusals and store failures into one-line errors.
 */
abstract class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        validate();
        StoreOptions options = StoreOptions.of(spec);
        try (Store store = options.open()) {
            return run(new ClusterStore(store), options);
        } catch (ClusterException | StoreException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /** Checks the options before anything connects, so a usage error costs nothing. */
    void validate() {
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(ClusterStore cluster, StoreOptions options);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** One line on stderr in the shape {@code CliErrors} gives, for commands that go on after an error. */
    void error(String message) {
        spec.commandLine().getErr().println("swarmnet: error: " + message);
    }

    /**
     * Removes each reference in turn as docker's {@code rm} does: prints it once removed,
     * its error otherwise, and goes on; 1 when any failed.
     */
    int removeEach(List<String> refs, Consumer<String> remove) {
        int exit = 0;
        for (String ref : refs) {
            try {
                remove.accept(ref);
                out().println(ref);
                out().flush();
            } catch (ClusterException e) {
                error(e.getMessage());
                exit = 1;
            }
        }
        return exit;
    }

    /**
     * The {@code inspect} verbs, as docker does them: each reference found is printed, each
     * one that is not gets an error line, and the exit code is 1 if any was not found.
     */
    int inspectEach(List<String> refs, String format, Function<String, Object> inspect) {
        List<Object> found = new ArrayList<>();
        int exit = 0;
        for (String ref : refs) {
            try {
                found.add(inspect.apply(ref));
            } catch (ClusterException e) {
                error(e.getMessage());
                exit = 1;
            }
        }
        Formats.printInspect(spec, format, out(), found);
        return exit;
    }
}
