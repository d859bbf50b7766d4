package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad input to the lab CLI gets one line on stderr and a non-zero exit, and creates nothing; no root needed. */
class LabCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void assertUsageError(Run r, String message) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("swarmnet: ").contains(message);
    }

    private static void assertNothingCreated(String lab) {
        assertThat(LabTeardown.existingNamespaces(lab)).isEmpty();
        assertThat(LabTeardown.existingEtcNetns(lab)).isEmpty();
        assertThat(Files.exists(LabSpec.DEFAULT_STATE_ROOT.resolve(lab))).isFalse();
    }

    @Test
    void refusesZeroManagers() {
        String lab = LabExtension.randomName();
        assertUsageError(run("lab", "up", "--name", lab, "--managers", "0"), "--managers must be between 1 and 7, got 0");
        assertNothingCreated(lab);
    }

    @Test
    void refusesTooManyManagersOrWorkers() {
        assertUsageError(run("lab", "up", "--managers", "8"), "--managers must be between 1 and 7, got 8");
        assertUsageError(run("lab", "up", "--workers", "21"), "--workers must be between 0 and 20, got 21");
    }

    @Test
    void refusesNegativeWorkers() {
        assertUsageError(run("lab", "up", "--workers", "-1"), "--workers must be between 0 and 20, got -1");
    }

    @Test
    void refusesNonNumericCounts() {
        assertUsageError(run("lab", "up", "--workers", "two"), "'two' is not an int");
    }

    @Test
    void refusesBadLabNamesOnEverySubcommand() {
        for (String sub : new String[] {"up", "down", "status"}) {
            assertUsageError(run("lab", sub, "--name", "Bad-Name"), "invalid lab name 'Bad-Name'");
        }
        assertUsageError(run("lab", "exec", "--name", "waytoolongname1", "m1", "true"), "invalid lab name");
    }

    @Test
    void deployRefusesNegativeReplicas() {
        assertUsageError(run("lab", "deploy", "web", "--replicas", "-1", "--", "sleep", "60"),
                "invalid replicas value -1: it must be 0 or more");
    }

    @Test
    void deployRefusesAMissingCommand() {
        assertUsageError(run("lab", "deploy", "web", "--replicas", "2"), "missing the command the tasks run");
    }

    @Test
    void deployRefusesAServiceNameThatCannotNameANamespace() {
        assertUsageError(run("lab", "deploy", "Web_1", "--", "sleep", "60"), "invalid service name 'Web_1'");
    }

    @Test
    void scaleRefusesMalformedTargets() {
        assertUsageError(run("lab", "scale", "web"), "invalid scale 'web': expected SERVICE=REPLICAS");
        assertUsageError(run("lab", "scale", "web=x"), "invalid scale 'web=x'");
        assertUsageError(run("lab", "scale", "web=-2"), "invalid replicas value -2");
    }

    @Test
    void deployScaleAndRmRefuseAnUnknownLab() {
        String lab = LabExtension.randomName();
        for (String[] args : List.of(new String[] {"lab", "deploy", "--name", lab, "web", "--", "sleep", "60"},
                new String[] {"lab", "scale", "--name", lab, "web=2"}, new String[] {"lab", "rm", "--name", lab, "web"})) {
            Run r = run(args);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).doesNotContain("\n").startsWith("swarmnet: error: ")
                    .satisfiesAnyOf(e -> assertThat(e).contains("no lab named '" + lab + "'"),
                            e -> assertThat(e).contains("the lab needs root"));
        }
        assertNothingCreated(lab);
    }

    @Test
    void refusesAnUnderlayMtuOutOfRange() {
        assertUsageError(run("lab", "up", "--underlay-mtu", "100"), "--underlay-mtu must be between 576 and 9000");
    }

    @Test
    void refusesUnknownSubcommands() {
        assertUsageError(run("lab", "frobnicate"), "Unmatched argument at index 1: 'frobnicate'");
        assertUsageError(run("lab"), "missing subcommand: up, down, status, exec, deploy, scale, rm or image");
    }

    @Test
    void refusesAnUnknownStatusFormat() {
        assertUsageError(run("lab", "status", "--format", "yaml"), "Invalid value for option '--format'");
    }

    @Test
    void refusesExecWithoutACommand() {
        assertUsageError(run("lab", "exec", "m1"), "Missing required parameter: 'CMD'");
        assertUsageError(run("lab", "exec", "m1", "--"), "missing the command to run on m1");
    }

    @Test
    void reportsAMissingEtcdBeforeCreatingAnything() {
        String lab = LabExtension.randomName();
        Run r = run("lab", "up", "--name", lab, "--etcd", "/nonexistent/etcd");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("swarmnet: error: etcd not found at /nonexistent/etcd (--etcd must name an executable file)");
        assertNothingCreated(lab);
    }

    @Test
    void demoRefusesBadCountsBeforeTouchingTheOldDemo() {
        assertUsageError(run("demo", "--managers", "0"), "--managers must be between 1 and 7, got 0");
        assertUsageError(run("demo", "--workers", "-3"), "--workers must be between 0 and 20, got -3");
    }

    @Test
    void execStopsParsingAtTheHostSoCommandOptionsNeedNoSeparator() {
        CommandLine.ParseResult pr = Main.commandLine().parseArgs("lab", "exec", "--name", "x", "w1", "ping", "-c1", "a");
        CommandLine.ParseResult exec = pr.subcommand().subcommand();
        assertThat(exec.matchedPositionals()).hasSize(2);
        assertThat(exec.<List<String>>matchedPositionalValue(1, null)).containsExactly("ping", "-c1", "a");
    }
}
