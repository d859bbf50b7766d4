package io.swarmnet.benchmarks;

import io.swarmnet.benchmarks.lab.CliLab;
import io.swarmnet.benchmarks.lab.Environment;
import io.swarmnet.benchmarks.lab.Report;
import io.swarmnet.benchmarks.lab.Result;
import io.swarmnet.benchmarks.lab.Runner;
import io.swarmnet.benchmarks.lab.Scenario;
import io.swarmnet.benchmarks.lab.control.ControlLatencyScenario;
import io.swarmnet.benchmarks.lab.dns.DnsScenario;
import io.swarmnet.benchmarks.lab.egress.EgressScenario;
import io.swarmnet.benchmarks.lab.mesh.MeshHttpScenario;
import io.swarmnet.benchmarks.lab.mesh.VipScenario;
import io.swarmnet.benchmarks.lab.overlay.OverlayRttScenario;
import io.swarmnet.benchmarks.lab.overlay.OverlayTcpScenario;
import io.swarmnet.benchmarks.lab.overlay.OverlayUdpScenario;
import io.swarmnet.benchmarks.lab.tasks.TaskStartScenario;
import io.swarmnet.cli.CliErrors;
import io.swarmnet.node.command.UserException;
import io.swarmnet.sys.CpuSet;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code swarmnet bench SCENARIO}: a lab macro-benchmark, swarmnet against its anchor in one run. */
@Command(name = "swarmnet bench", mixinStandardHelpOptions = true,
        description = "Runs a lab scenario against swarmnet and its anchor alternately and prints medians,"
                + " min-max and the swarmnet/anchor ratio; writes the table as Markdown and JSON.")
public final class BenchMain implements Callable<Integer> {

    static List<Scenario> scenarios() {
        return List.of(new OverlayTcpScenario(), new OverlayUdpScenario(), new OverlayRttScenario(),
                new ControlLatencyScenario(), new EgressScenario(), new MeshHttpScenario(), new VipScenario(),
                new DnsScenario(), new TaskStartScenario());
    }

    @Parameters(arity = "0..1", paramLabel = "SCENARIO", description = "Scenario to run; --list shows them.")
    String scenario;

    @Option(names = "--list", description = "List the scenarios.")
    boolean list;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5", description = "Repetitions of each variant (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--seconds", paramLabel = "SECONDS", defaultValue = "8", description = "Length of one measurement (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Run each variant once for this long before the repetitions, not counted; 0 for none"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--lab", paramLabel = "LAB", defaultValue = "bench", description = "Name of the lab to build (default: ${DEFAULT-VALUE}).")
    String labName;

    @Option(names = "--underlay-mtu", paramLabel = "BYTES", defaultValue = "1500", description = "Underlay MTU (default: ${DEFAULT-VALUE}).")
    int underlayMtu;

    @Option(names = "--data-path-cpus", paramLabel = "LIST",
            description = "Build the lab with the agents' data path on these CPUs (lab up --data-path-cpus) and run"
                    + " the overlay scenarios' ping and iperf3 there too, in every variant (default: any CPU).")
    String dataPathCpus;

    @Option(names = "--variants", paramLabel = "NAME", split = ",",
            description = "Run only these variants of the scenario (default: all).")
    Set<String> variants = new java.util.LinkedHashSet<>();

    @Option(names = "--keep-lab", description = "Leave the lab running afterwards.")
    boolean keepLab;

    @Option(names = "--results", paramLabel = "DIR", defaultValue = "benchmarks/results",
            description = "Where to write the Markdown and JSON tables (default: ${DEFAULT-VALUE}).")
    Path results;

    private final PrintStream out;

    BenchMain(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (list) {
            scenarios().forEach(s -> out.printf("%-14s %s%n", s.name(), s.description()));
            return 0;
        }
        if (scenario == null) {
            throw new UserException("name a scenario: " + names());
        }
        Scenario s = scenarios().stream().filter(x -> x.name().equals(scenario)).findFirst()
                .orElseThrow(() -> new UserException("unknown scenario '" + scenario + "'; known: " + names()));
        if (reps < 1 || seconds < 1) {
            throw new UserException("--reps and --seconds must be at least 1");
        }
        if (warmup < 0) {
            throw new UserException("--warmup must be 0 or more");
        }
        Set<String> known = s.variants().stream().map(v -> v.name()).collect(Collectors.toSet());
        for (String v : variants) {
            if (!known.contains(v)) {
                throw new UserException("scenario " + s.name() + " has no variant '" + v + "'; it has: " + String.join(", ", known));
            }
        }
        if (dataPathCpus != null) {
            try {
                CpuSet.parse(dataPathCpus);
            } catch (IllegalArgumentException e) {
                throw new UserException("invalid --data-path-cpus: " + e.getMessage());
            }
        }
        CliLab lab = CliLab.up(labName, s.managers(), s.workers(), underlayMtu, dataPathCpus, s.docker());
        try {
            Result result = new Runner(out).run(s, lab, reps, seconds, variants, warmup);
            Map<String, String> environment = Environment.describe(List.of("iperf3", "etcd", "wrk", "haproxy",
                    "dnsperf", "dnsmasq"));
            environment.put("placement", dataPathCpus == null ? "any CPU"
                    : "the agents' data path, ping and iperf3 on CPUs " + dataPathCpus + " (--data-path-cpus)");
            Report report = new Report(result, environment);
            out.println();
            out.print(report.markdown());
            out.println("\nwritten: " + report.write(results));
        } finally {
            if (keepLab) {
                out.println("lab '" + labName + "' left running; remove it with: bin/swarmnet lab down --name " + labName);
            } else {
                lab.close();
            }
        }
        return 0;
    }

    private static String names() {
        return scenarios().stream().map(Scenario::name).collect(Collectors.joining(", "));
    }

    public static CommandLine commandLine(PrintStream out) {
        CommandLine cl = new CommandLine(new BenchMain(out));
        CliErrors.install(cl);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.out).execute(args));
    }
}
