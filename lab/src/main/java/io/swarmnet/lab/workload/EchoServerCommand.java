package io.swarmnet.lab.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code swarmnet echo-server}: the built-in lab workload, run inside a task's namespace. */
@Command(name = "echo-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve the lab's echo app: HTTP on --http-port and a UDP datagram to the same port answer"
                + " with the task's name and addresses; --echo-port echoes TCP and UDP (RFC 862).")
public final class EchoServerCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME",
            description = "Name to answer with (default: $TASK_NAME, else the host name).")
    String name;

    @Option(names = "--bind", paramLabel = "IP", defaultValue = "0.0.0.0",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "80",
            description = "HTTP (TCP) and who-are-you (UDP) port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--echo-port", paramLabel = "PORT", defaultValue = "7",
            description = "TCP and UDP echo port (default: ${DEFAULT-VALUE}).")
    int echoPort;

    @Option(names = "--proxy-protocol",
            description = "Expect a PROXY protocol header (v1 or v2) first on every HTTP connection and answer with the"
                    + " client it names, as a task behind a port published with proxy-protocol=v2 does.")
    boolean proxyProtocol;

    @Override
    public Integer call() throws Exception {
        String who = name != null ? name : defaultName();
        try (EchoServer server = EchoServer.start(who, bind, httpPort, echoPort, proxyProtocol)) {
            System.err.printf("echo-server %s: http+who on %d, echo on %d%n", who, server.httpPort(), server.echoPort());
            new CountDownLatch(1).await();
        }
        return 0;
    }

    private static String defaultName() {
        String env = System.getenv("TASK_NAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "echo";
        }
    }
}
