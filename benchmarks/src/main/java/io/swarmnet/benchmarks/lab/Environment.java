package io.swarmnet.benchmarks.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and versions a benchmark ran on, so figures from different days are comparable. */
public final class Environment {
    private Environment() {
    }

    public static Map<String, String> describe(List<String> tools) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        env.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        env.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        env.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
        env.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vm.name"));
        String v = Environment.class.getPackage().getImplementationVersion();
        env.put("swarmnet", v == null ? "dev" : v);
        for (String tool : tools) {
            env.put(tool, version(tool));
        }
        return env;
    }

    private static String firstLine(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String version(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("unknown").trim();
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
