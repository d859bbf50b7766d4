package io.swarmnet.cli;

import java.util.List;

/**
 * A source of {@code swarmnet} subcommands that the CLI does not name itself, found with
 * {@link java.util.ServiceLoader}: the lab registers {@code lab}, {@code demo} and
 * {@code echo-server} this way, so production code never imports it.
 */
public interface CommandProvider {

    /** Returns the picocli {@code @Command} classes to add, in the order {@code --help} lists them. */
    List<Class<?>> commands();
}
