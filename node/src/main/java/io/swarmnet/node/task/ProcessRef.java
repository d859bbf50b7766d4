package io.swarmnet.node.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A PID pinned to its start time from {@code /proc/PID/stat}, so a PID the kernel has
 * since given to another process is never signalled.
 *
 * @param pid the process id
 * @param startTime field 22 of {@code /proc/PID/stat}: clock ticks after boot
 */
public record ProcessRef(long pid, long startTime) {

    /** The process now running as {@code pid}, or empty when there is none. */
    public static Optional<ProcessRef> of(long pid) {
        return stat(pid).map(s -> new ProcessRef(pid, s.startTime()));
    }

    /** True while the same process runs; a zombie has finished and counts as gone. */
    public boolean alive() {
        return stat(pid).filter(s -> s.startTime() == startTime && s.state() != 'Z' && s.state() != 'X').isPresent();
    }

    /**
     * Sends SIGTERM to every live process, waits up to {@code grace} for all to exit,
     * then SIGKILLs the rest and waits for them too.
     *
     * @return the processes that were still alive after SIGKILL (normally none)
     */
    public static List<ProcessRef> terminate(Collection<ProcessRef> processes, Duration grace) {
        List<ProcessRef> live = processes.stream().filter(ProcessRef::alive).distinct().toList();
        live.forEach(p -> p.signal(false));
        if (!awaitExit(live, grace)) {
            live.forEach(p -> p.signal(true));
            awaitExit(live, Duration.ofSeconds(3));
        }
        return live.stream().filter(ProcessRef::alive).toList();
    }

    private void signal(boolean force) {
        // ProcessHandle re-checks the start time it saw at lookup before it signals,
        // which closes the gap between alive() and the kill.
        if (alive()) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (force) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    private static boolean awaitExit(List<ProcessRef> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessRef::alive)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    record Stat(char state, long startTime) {
    }

    // The command name in field 2 may contain spaces and ')', so fields are counted
    // from the last ')'; field 3 (state) is the first after it, field 22 the 20th.
    static Optional<Stat> parseStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] f = stat.substring(close + 1).trim().split(" +");
        if (f.length < 20 || f[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Stat> stat(long pid) {
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
