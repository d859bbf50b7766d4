package io.swarmnet.cli.swarm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;

/** JSON output the way the docker CLI prints it: inspect as an indented array, {@code --format json} one object per line. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"));

    private Json() {
    }

    /** {@code docker inspect}'s output: a JSON array, four-space indents. */
    static void printArray(PrintWriter out, List<?> objects) {
        try {
            out.println(MAPPER.writer(PRETTY).writeValueAsString(objects));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    /** {@code --format json}: one compact object per line. */
    public static void printLines(PrintWriter out, List<?> objects) {
        try {
            for (Object o : objects) {
                out.println(MAPPER.writeValueAsString(o));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }
}
