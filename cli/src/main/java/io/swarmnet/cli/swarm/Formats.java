package io.swarmnet.cli.swarm;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Output conventions shared by the cluster commands. */
final class Formats {
    /** IDs in tables are cut to 12 characters, as docker prints them. */
    static final int SHORT_ID = 12;

    private Formats() {
    }

    static String shortId(String id) {
        return id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }

    /**
     * Whether {@code --format} asks for JSON; absent means the table.
     *
     * @throws ParameterException for any other format
     */
    static boolean json(CommandSpec spec, String format) {
        if (format == null || format.equals("table")) {
            return false;
        }
        if (format.equals("json")) {
            return true;
        }
        throw new ParameterException(spec.commandLine(), "unsupported --format '" + format + "': use json (or table)");
    }

    /** Inspect output: docker's indented array, or one compact object per line with {@code --format json}. */
    static void printInspect(CommandSpec spec, String format, PrintWriter out, List<?> objects) {
        if (format != null && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "unsupported --format '" + format + "': use json");
        }
        if (format != null) {
            Json.printLines(out, objects);
        } else {
            Json.printArray(out, objects);
        }
    }

    /** How long ago, as Docker's {@code service ps} says it: "5 seconds ago", "About a minute ago". */
    static String ago(long millis) {
        long seconds = Math.max(0, millis) / 1000;
        String d;
        if (seconds < 1) {
            d = "Less than a second";
        } else if (seconds == 1) {
            d = "1 second";
        } else if (seconds < 60) {
            d = seconds + " seconds";
        } else if (seconds < 120) {
            d = "About a minute";
        } else if (seconds < 3600) {
            d = seconds / 60 + " minutes";
        } else if (seconds < 7200) {
            d = "About an hour";
        } else if (seconds < 48 * 3600) {
            d = seconds / 3600 + " hours";
        } else {
            d = seconds / 86400 + " days";
        }
        return d + " ago";
    }
}
