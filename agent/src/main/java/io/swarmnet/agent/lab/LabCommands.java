package io.swarmnet.agent.lab;

import io.swarmnet.agent.cli.CommandProvider;
import io.swarmnet.agent.workload.EchoServerCommand;
import java.util.List;

/** Registers the lab's commands with {@code swarmnet}: {@code lab}, {@code demo} and {@code echo-server}. */
public final class LabCommands implements CommandProvider {

    @Override
    public List<Class<?>> commands() {
        return List.of(LabCommand.class, DemoCommand.class, EchoServerCommand.class);
    }
}
