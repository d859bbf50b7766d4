package io.swarmnet.benchmarks.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
    static final Metric RATE = new Metric("rate", "ops/s", true);
    final List<String> calls = new ArrayList<>();

    final class FakeVariant implements Variant {
        final String name;
        final boolean anchor;
        final double value;
        final String unavailable;
        final boolean failMeasure;

        FakeVariant(String name, boolean anchor, double value, String unavailable, boolean failMeasure) {
            this.name = name;
            this.anchor = anchor;
            this.value = value;
            this.unavailable = unavailable;
            this.failMeasure = failMeasure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean anchor() {
            return anchor;
        }

        @Override
        public String unavailableReason() {
            return unavailable;
        }

        @Override
        public void setUp(LabHosts lab) {
            calls.add("setUp " + name);
        }

        @Override
        public Map<String, Double> measure(LabHosts lab, int seconds) {
            calls.add("measure " + name);
            if (failMeasure) {
                throw new IllegalStateException("boom");
            }
            return Map.of("rate", value);
        }

        @Override
        public void tearDown(LabHosts lab) {
            calls.add("tearDown " + name);
        }
    }

    Scenario scenario(Variant... variants) {
        return new Scenario() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public String description() {
                return "a fake scenario";
            }

            @Override
            public int workers() {
                return 0;
            }

            @Override
            public List<Metric> metrics() {
                return List.of(RATE);
            }

            @Override
            public List<Variant> variants() {
                return List.of(variants);
            }
        };
    }

    static final LabHosts NO_LAB = new LabHosts() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public String namespace(String host) {
            return host;
        }

        @Override
        public String address(String host) {
            return "127.0.0.1";
        }

        @Override
        public String run(Duration timeout, String... cmd) {
            throw new UnsupportedOperationException();
        }
    };

    PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void alternatesVariantsAndComputesRatioOfMedians() throws Exception {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, false),
                new FakeVariant("swarmnet", false, 15, null, false));
        Result r = new Runner(quiet()).run(s, NO_LAB, 2, 1);
        assertThat(calls.stream().filter(c -> c.startsWith("measure")))
                .containsExactly("measure anchor", "measure swarmnet", "measure swarmnet", "measure anchor");
        assertThat(r.ratio("rate")).isEqualTo(1.5);
    }

    @Test
    void unavailableVariantIsSkippedAndNamedInTheReport(@TempDir Path dir) throws Exception {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, false),
                new FakeVariant("swarmnet", false, 0, "lands with issue #4", false));
        Result r = new Runner(quiet()).run(s, NO_LAB, 1, 1);
        assertThat(r.ratio("rate")).isNull();
        Report report = new Report(r, Map.of("cpus", "2"));
        assertThat(report.markdown()).contains("| rate (higher is better) | n/a |")
                .contains("swarmnet: lands with issue #4").contains("| rate (ops/s) | anchor (anchor) | 10.000 |");
        Path md = report.write(dir);
        assertThat(md).exists();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString().replaceAll("^[0-9TZ]+-", "")))
                    .containsExactlyInAnyOrderElementsOf(Set.of("fake.md", "fake.json"));
        }
        assertThat(Files.readString(dir.resolve(md.getFileName().toString().replace(".md", ".json"))))
                .contains("\"samples\" : [ 10.0 ]").contains("\"ratio\" : null");
    }

    @Test
    void theRatioIsSwarmnetsEvenWithAnotherChallengerBesideTheAnchor() throws Exception {
        Scenario s = scenario(new FakeVariant("haproxy", true, 10, null, false),
                new FakeVariant("swarmnet", false, 12, null, false), new FakeVariant("nft", false, 30, null, false));
        Result r = new Runner(quiet()).run(s, NO_LAB, 1, 1);
        assertThat(r.ratio("rate")).isEqualTo(1.2);
    }

    @Test
    void onlySelectedVariantsRunAndTheOthersAreNamedAsNotSelected() throws Exception {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, false),
                new FakeVariant("swarmnet", false, 15, null, false));
        Result r = new Runner(quiet()).run(s, NO_LAB, 1, 1, Set.of("anchor"), 0);
        assertThat(calls).containsExactly("setUp anchor", "measure anchor", "tearDown anchor");
        assertThat(r.ratio("rate")).isNull();
        assertThat(new Report(r, Map.of()).markdown()).contains("swarmnet: not selected (--variants)");
    }

    @Test
    void warmUpRunsEachVariantOnceFirstAndIsNotCounted() throws Exception {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, false),
                new FakeVariant("swarmnet", false, 15, null, false));
        Result r = new Runner(quiet()).run(s, NO_LAB, 1, 1, Set.of(), 2);
        assertThat(calls.stream().filter(c -> c.startsWith("measure")))
                .containsExactly("measure anchor", "measure swarmnet", "measure anchor", "measure swarmnet");
        assertThat(r.stats("anchor", "rate").n()).isEqualTo(1);
        assertThat(new Report(r, Map.of()).markdown()).contains("after a warm-up run of 2 s of each (not counted)");
    }

    @Test
    void failedMeasurementStillTearsDown() {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, true));
        assertThatThrownBy(() -> new Runner(quiet()).run(s, NO_LAB, 1, 1)).hasMessage("boom");
        assertThat(calls).containsExactly("setUp anchor", "measure anchor", "tearDown anchor");
    }

    @Test
    void zeroRepetitionsAreRejected() {
        Scenario s = scenario(new FakeVariant("anchor", true, 10, null, false));
        assertThatThrownBy(() -> new Runner(quiet()).run(s, NO_LAB, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
