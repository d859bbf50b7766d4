package io.swarmnet.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A daemon this JVM started for the lab: its persisted record and its live process. */
record StartedDaemon(LabState.Daemon record, Process process) {

    /** Throws, quoting the last line of the daemon's log, if it has exited. */
    void requireRunning(String what) {
        if (!process.isAlive()) {
            throw new LabException(what + " exited with code " + process.exitValue()
                    + lastLogLine(Path.of(record.log()), ": "));
        }
    }

    /** The last non-blank line of a log, shortened to stay one readable line, or "" for none. */
    static String lastLogLine(Path log, String prefix) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).strip();
                if (!l.isEmpty()) {
                    return prefix + (l.length() > 300 ? l.substring(0, 300) + "..." : l);
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}
