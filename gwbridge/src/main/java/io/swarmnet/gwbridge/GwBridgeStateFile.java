package io.swarmnet.gwbridge;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.swarmnet.packet.Ipv4Address;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The gwbridge's state file, {@code <dataDir>/gwbridge.json}: the bridge, its pool and its
 * attachments, so a restarted agent gives every task the address it had, and knows which
 * ports on the bridge are whose:
 *
 * <pre>
 * {"version":1,"bridge":"docker_gwbridge","pool":"172.18.0.0/16","gateway":"172.18.0.1",
 *  "attachments":[{"task":"web.1.x7f","port":"gw3f0c2a9b41","address":"172.18.0.2"}]}
 * </pre>
 *
 * Written to a temporary file, flushed to disk and renamed over the old one, so a crash
 * at any moment leaves the old file or the new one, never a torn one.
 */
final class GwBridgeStateFile {
    static final String NAME = "gwbridge.json";
    static final int VERSION = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** The file as JSON reads it. */
    record State(int version, String bridge, String pool, String gateway, List<Entry> attachments) {
    }

    /** One attachment as JSON reads it. */
    record Entry(String task, String port, String address) {
    }

    private GwBridgeStateFile() {
    }

    /**
     * The state in {@code file}, or empty if there is none.
     *
     * @throws GwBridgeConfigException if the file is not valid JSON of this form
     */
    static Optional<State> load(Path file) throws IOException {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        State state;
        try {
            state = MAPPER.readValue(json, State.class);
        } catch (JsonParseException e) {
            throw corrupt(file, "not JSON at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr());
        } catch (JsonProcessingException e) {
            throw corrupt(file, json.length == 0 ? "empty" : "not a version " + VERSION + " gwbridge state");
        }
        if (state == null || state.version() != VERSION || state.bridge() == null || state.pool() == null
                || state.gateway() == null || state.attachments() == null) {
            throw corrupt(file, "not a version " + VERSION + " gwbridge state");
        }
        return Optional.of(state);
    }

    /** Reads the attachments of a loaded state, checking each against {@code config}. */
    static List<GwBridgeAttachment> attachments(Path file, State state, GwBridgeConfig config) {
        List<GwBridgeAttachment> attachments = new ArrayList<>(state.attachments().size());
        for (Entry entry : state.attachments()) {
            if (entry == null || entry.task() == null || entry.port() == null || entry.address() == null) {
                throw corrupt(file, "an attachment lacks its task, port or address");
            }
            int address;
            try {
                Naming.checkTaskId(entry.task());
                address = Ipv4Address.parse(entry.address());
            } catch (IllegalArgumentException e) {
                throw corrupt(file, e.getMessage());
            }
            if (!entry.port().equals(Naming.port(entry.task()))) {
                throw corrupt(file, "task " + entry.task() + " has port " + entry.port() + ", not "
                        + Naming.port(entry.task()));
            }
            attachments.add(new GwBridgeAttachment(entry.task(), entry.port(), address, config.poolPrefixLength(),
                    config.gateway()));
        }
        return attachments;
    }

    /** Replaces {@code file} with {@code attachments} under {@code config}. */
    static void save(Path file, GwBridgeConfig config, Collection<GwBridgeAttachment> attachments) throws IOException {
        List<Entry> entries = new ArrayList<>(attachments.size());
        for (GwBridgeAttachment a : attachments) {
            entries.add(new Entry(a.taskId(), a.port(), Ipv4Address.toString(a.address())));
        }
        State state = new State(VERSION, config.bridgeName(), config.pool(), Ipv4Address.toString(config.gateway()),
                entries);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(MAPPER.writeValueAsBytes(state)));
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
        }
        // The rename itself lasts only once the directory is on disk too.
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Deletes {@code file} and a temporary file a crash may have left; true if there was one. */
    static boolean delete(Path file) throws IOException {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
        return Files.deleteIfExists(file);
    }

    private static GwBridgeConfigException corrupt(Path file, String why) {
        return new GwBridgeConfigException("gwbridge state file " + file + " is corrupt (" + why
                + "); move it away or run the agent with --cleanup");
    }
}
