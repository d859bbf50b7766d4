package io.swarmnet.benchmarks.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Result} as the table people read (Markdown, also printed) and as JSON
 * for tools, both stamped with the date, the machine and the versions measured.
 */
public final class Report {
    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Result result;
    private final Map<String, String> environment;

    public Report(Result result, Map<String, String> environment) {
        this.result = result;
        this.environment = environment;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        Scenario s = result.scenario;
        md.append("# ").append(s.name()).append("\n\n").append(s.description()).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d repetitions of %d s, variants alternating%s; started %s.%n%n",
                result.repetitions, result.seconds, result.warmupSeconds == 0 ? ""
                        : String.format(Locale.ROOT, ", after a warm-up run of %d s of each (not counted)",
                                result.warmupSeconds),
                result.started));
        md.append("| metric | variant | median | min | max | n |\n|---|---|---:|---:|---:|---:|\n");
        for (Metric m : s.metrics()) {
            for (Variant v : s.variants()) {
                Stats st = result.stats(v.name(), m.name());
                String name = v.name() + (v.anchor() ? " (anchor)" : "");
                if (st == null) {
                    md.append(String.format(Locale.ROOT, "| %s (%s) | %s | — | — | — | 0 |%n", m.name(), m.unit(), name));
                } else {
                    md.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s | %s | %d |%n", m.name(), m.unit(),
                            name, fmt(st.median()), fmt(st.min()), fmt(st.max()), st.n()));
                }
            }
        }
        md.append("\n| metric | swarmnet / anchor | swarmnet - anchor |\n|---|---:|---:|\n");
        for (Metric m : s.metrics()) {
            Double r = result.ratio(m.name());
            Double d = result.difference(m.name());
            md.append(String.format(Locale.ROOT, "| %s (%s is better) | %s | %s |%n", m.name(),
                    m.higherIsBetter() ? "higher" : "lower", r == null ? "n/a" : String.format(Locale.ROOT, "%.3f", r),
                    d == null ? "n/a" : fmt(d)));
        }
        if (!result.skipped.isEmpty()) {
            md.append("\nNot measured:\n");
            result.skipped.forEach((v, why) -> md.append("- ").append(v).append(": ").append(why).append('\n'));
        }
        md.append("\n## Environment\n\n");
        environment.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        return md.toString();
    }

    public Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Scenario s = result.scenario;
        root.put("scenario", s.name());
        root.put("started", result.started.toString());
        root.put("repetitions", result.repetitions);
        root.put("seconds", result.seconds);
        root.put("warmupSeconds", result.warmupSeconds);
        root.put("environment", environment);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Metric m : s.metrics()) {
            Map<String, Object> mj = new LinkedHashMap<>();
            mj.put("unit", m.unit());
            mj.put("higherIsBetter", m.higherIsBetter());
            Map<String, Object> variants = new LinkedHashMap<>();
            for (Variant v : s.variants()) {
                Stats st = result.stats(v.name(), m.name());
                Map<String, Object> vj = new LinkedHashMap<>();
                vj.put("anchor", v.anchor());
                vj.put("samples", st == null ? List.of() : result.samples.get(v.name()).get(m.name()));
                if (st != null) {
                    vj.put("median", st.median());
                    vj.put("min", st.min());
                    vj.put("max", st.max());
                }
                variants.put(v.name(), vj);
            }
            mj.put("variants", variants);
            mj.put("ratio", result.ratio(m.name()));
            mj.put("difference", result.difference(m.name()));
            metrics.put(m.name(), mj);
        }
        root.put("metrics", metrics);
        root.put("skipped", result.skipped);
        return root;
    }

    /** Writes {@code <stamp>-<scenario>.md} and {@code .json} into {@code dir}; returns the Markdown path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = FILE_STAMP.format(result.started) + "-" + result.scenario.name();
        Path md = dir.resolve(base + ".md");
        Files.writeString(md, markdown());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve(base + ".json").toFile(), json());
        return md;
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
