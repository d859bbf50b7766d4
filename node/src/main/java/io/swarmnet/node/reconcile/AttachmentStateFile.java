package io.swarmnet.node.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks this node has attached and where ({@code <data-root>/overlay/attachments.json}),
 * so a restarted agent knows what to re-attach and what to prune. Addresses are not kept:
 * they are the task record's. Replaced atomically (temporary file, fsync, rename).
 */
public final class AttachmentStateFile {
    private static final Logger LOG = LoggerFactory.getLogger(AttachmentStateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One attached task. */
    public record Entry(String taskId, String netns) {
    }

    /** The file's content; {@code version} lets a later schema tell itself apart. */
    record Content(int version, List<Entry> tasks) {
    }

    private final Path path;

    public AttachmentStateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The saved entries; none when there is no file, or when it is corrupt (logged: a prune then removes the leftovers). */
    public List<Entry> load() {
        if (!Files.exists(path)) {
            return List.of();
        }
        try {
            Content content = JSON.readValue(path.toFile(), Content.class);
            return content.tasks() == null ? List.of()
                    : content.tasks().stream().filter(e -> e.taskId() != null && e.netns() != null).toList();
        } catch (IOException e) {
            LOG.warn("ignoring unreadable attachment state {}: {}", path, e.getMessage());
            return List.of();
        }
    }

    public void save(List<Entry> entries) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(new Content(1, entries)));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
