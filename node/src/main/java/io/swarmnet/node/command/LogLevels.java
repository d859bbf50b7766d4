package io.swarmnet.node.command;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Applies a {@code --log-level} flag to the root logger, as dockerd's flag of that name does. */
public final class LogLevels {
    public static final List<String> NAMES = List.of("trace", "debug", "info", "warn", "error");

    private LogLevels() {
    }

    /**
     * @throws IllegalArgumentException for a level not in {@link #NAMES}
     */
    public static void apply(String name) {
        String level = name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(level)) {
            throw new IllegalArgumentException("'" + name + "' is not a log level (" + String.join(", ", NAMES) + ")");
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level));
        }
    }
}
