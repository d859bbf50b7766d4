package io.swarmnet.lab;

import io.swarmnet.cli.CommandProvider;
import io.swarmnet.lab.workload.EchoServerCommand;
import java.util.List;

/** Registers the lab's commands with {@code swarmnet}: {@code lab}, {@code demo} and {@code echo-server}. */
public final class LabCommands implements CommandProvider {

    @Override
    public List<Class<?>> commands() {
        return List.of(LabCommand.class, DemoCommand.class, EchoServerCommand.class);
    }
}
