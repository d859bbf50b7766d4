package io.swarmnet.control.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The files of the etcd fixtures: the end of a member's log, and removing a data directory. */
final class FixtureFiles {
    private FixtureFiles() {
    }

    /** The last 20 lines of {@code log}, for a failure message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Deletes {@code root} and all below it; a failure is reported on stderr by {@code who}, not thrown. */
    static void deleteTree(Path root, String who) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println(who + ": could not delete " + root + ": " + e.getMessage());
        }
    }
}
