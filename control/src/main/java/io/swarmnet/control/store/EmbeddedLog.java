package io.swarmnet.control.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The embedded store's file formats: write-ahead log entries in checksummed frames, and
 * the snapshot that a log generation starts from.
 *
 * <pre>
 * frame    = length:int32 crc32(payload):int32 payload           (big-endian)
 * payload  = type:int8 fields...
 *   1 TXN    count:int32 { kind:int8 (0 put, 1 delete) key:str [value:bytes lease:int64] }
 *   2 GRANT  lease:int64 ttlMillis:int64 deadlineEpochMillis:int64
 *   3 RENEW  lease:int64 deadlineEpochMillis:int64
 *   4 REVOKE lease:int64                     (also written when a lease expires)
 *   5 ROTATE generation:int64                (the log continues in wal-&lt;generation&gt;)
 * str/bytes = length:int32 bytes (UTF-8 for str)
 *
 * snapshot = "SWNS" format:int32 generation:int64 revision:int64
 *            leases:int32 { id:int64 ttlMillis:int64 deadline:int64 }
 *            keys:int32 { key:str value:bytes create:int64 mod:int64 version:int64 lease:int64 }
 *            crc32(everything before):int64
 * </pre>
 */
final class EmbeddedLog {
    static final int FRAME_HEADER = 8;
    // A frame longer than this is garbage from a torn write, not a record.
    static final int MAX_PAYLOAD = 64 << 20;
    private static final int SNAPSHOT_MAGIC = 0x53574E53;
    private static final int SNAPSHOT_FORMAT = 1;

    private static final byte TXN = 1;
    private static final byte GRANT = 2;
    private static final byte RENEW = 3;
    private static final byte REVOKE = 4;
    private static final byte ROTATE = 5;

    private EmbeddedLog() {
    }

    /** One write-ahead log entry. */
    sealed interface Entry permits Txn, Grant, Renew, Revoke, Rotate {
    }

    /** The effective writes of one committed transaction, applied at the next revision. */
    record Txn(List<Transaction.Operation> operations) implements Entry {
    }

    /** A new lease, alive until {@code deadline} (epoch millis) unless renewed. */
    record Grant(long id, long ttlMillis, long deadline) implements Entry {
    }

    /** A keep-alive: the lease lives until {@code deadline} (epoch millis). */
    record Renew(long id, long deadline) implements Entry {
    }

    /** The lease ends and its keys are deleted, at the next revision when it had any. */
    record Revoke(long id) implements Entry {
    }

    /** This log generation is closed; the state continues in {@code wal-<generation>}. */
    record Rotate(long generation) implements Entry {
    }

    /** Frames {@code entries} for one append. */
    static ByteBuffer encode(List<Entry> entries) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(out);
            for (Entry entry : entries) {
                byte[] payload = payload(entry);
                CRC32 crc = new CRC32();
                crc.update(payload);
                data.writeInt(payload.length);
                data.writeInt((int) crc.getValue());
                data.write(payload);
            }
            return ByteBuffer.wrap(out.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding cannot fail", e);
        }
    }

    private static byte[] payload(Entry entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        if (entry instanceof Txn t) {
            data.writeByte(TXN);
            data.writeInt(t.operations().size());
            for (Transaction.Operation op : t.operations()) {
                if (op.kind() == Transaction.Kind.PUT) {
                    data.writeByte(0);
                    writeString(data, op.key());
                    writeBytes(data, op.value());
                    data.writeLong(op.leaseId());
                } else {
                    data.writeByte(1);
                    writeString(data, op.key());
                }
            }
        } else if (entry instanceof Grant g) {
            data.writeByte(GRANT);
            data.writeLong(g.id());
            data.writeLong(g.ttlMillis());
            data.writeLong(g.deadline());
        } else if (entry instanceof Renew r) {
            data.writeByte(RENEW);
            data.writeLong(r.id());
            data.writeLong(r.deadline());
        } else if (entry instanceof Revoke r) {
            data.writeByte(REVOKE);
            data.writeLong(r.id());
        } else {
            data.writeByte(ROTATE);
            data.writeLong(((Rotate) entry).generation());
        }
        return out.toByteArray();
    }

    /**
     * The complete frames in {@code buf} from its position; stops at the first frame that
     * is cut short or fails its checksum (a torn write) and leaves the position after the
     * last good frame.
     */
    static List<Entry> decode(ByteBuffer buf) throws IOException {
        List<Entry> entries = new ArrayList<>();
        while (buf.remaining() >= FRAME_HEADER) {
            int start = buf.position();
            int length = buf.getInt(start);
            int crc = buf.getInt(start + 4);
            if (length < 1 || length > MAX_PAYLOAD || buf.remaining() - FRAME_HEADER < length) {
                break;
            }
            byte[] payload = new byte[length];
            buf.get(start + FRAME_HEADER, payload);
            CRC32 check = new CRC32();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                break;
            }
            entries.add(entry(payload));
            buf.position(start + FRAME_HEADER + length);
        }
        return entries;
    }

    private static Entry entry(byte[] payload) throws IOException {
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(payload));
        byte type = data.readByte();
        return switch (type) {
            case TXN -> {
                int count = data.readInt();
                List<Transaction.Operation> ops = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    byte kind = data.readByte();
                    String key = readString(data);
                    ops.add(kind == 0
                            ? new Transaction.Operation(Transaction.Kind.PUT, key, readBytes(data), data.readLong())
                            : new Transaction.Operation(Transaction.Kind.DELETE, key, null, 0));
                }
                yield new Txn(ops);
            }
            case GRANT -> new Grant(data.readLong(), data.readLong(), data.readLong());
            case RENEW -> new Renew(data.readLong(), data.readLong());
            case REVOKE -> new Revoke(data.readLong());
            case ROTATE -> new Rotate(data.readLong());
            default -> throw new IOException("unknown log entry type " + type);
        };
    }

    /** A snapshot as read back: the log generation it starts and the state at its revision. */
    record Snapshot(long generation, EmbeddedState state) {
    }

    /** Writes the snapshot to {@code file} and forces it to disk. */
    static void writeSnapshot(Path file, long generation, EmbeddedState state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(SNAPSHOT_MAGIC);
        data.writeInt(SNAPSHOT_FORMAT);
        data.writeLong(generation);
        data.writeLong(state.revision());
        data.writeInt(state.leases().size());
        for (EmbeddedState.LeaseEntry lease : state.leases().values()) {
            data.writeLong(lease.id);
            data.writeLong(lease.ttlMillis);
            data.writeLong(lease.deadline);
        }
        List<KeyValue> keys = state.range("");
        data.writeInt(keys.size());
        for (KeyValue kv : keys) {
            writeString(data, kv.key());
            writeBytes(data, kv.value());
            data.writeLong(kv.createRevision());
            data.writeLong(kv.modRevision());
            data.writeLong(kv.version());
            data.writeLong(kv.leaseId());
        }
        CRC32 crc = new CRC32();
        crc.update(out.toByteArray());
        data.writeLong(crc.getValue());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /**
     * Reads a snapshot.
     *
     * @throws IOException when the file is not a whole snapshot; it was renamed into place
     *                     only after being forced to disk, so that means damage
     */
    static Snapshot readSnapshot(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 8) {
            throw new IOException(file + " is not a swarmnet store snapshot (too short)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        if (ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() != crc.getValue()) {
            throw new IOException(file + " is damaged: its checksum does not match");
        }
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
        if (data.readInt() != SNAPSHOT_MAGIC) {
            throw new IOException(file + " is not a swarmnet store snapshot");
        }
        int format = data.readInt();
        if (format != SNAPSHOT_FORMAT) {
            throw new IOException(file + " has snapshot format " + format + ", this swarmnet reads " + SNAPSHOT_FORMAT);
        }
        long generation = data.readLong();
        EmbeddedState state = new EmbeddedState(data.readLong());
        int leases = data.readInt();
        for (int i = 0; i < leases; i++) {
            state.restoreLease(data.readLong(), data.readLong(), data.readLong());
        }
        int keys = data.readInt();
        for (int i = 0; i < keys; i++) {
            state.restoreKey(new KeyValue(readString(data), readBytes(data), data.readLong(), data.readLong(),
                    data.readLong(), data.readLong()));
        }
        return new Snapshot(generation, state);
    }

    private static void writeString(DataOutputStream data, String s) throws IOException {
        writeBytes(data, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(DataOutputStream data, byte[] b) throws IOException {
        data.writeInt(b.length);
        data.write(b);
    }

    private static String readString(DataInputStream data) throws IOException {
        return new String(readBytes(data), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("field length " + length + " out of range");
        }
        byte[] b = new byte[length];
        data.readFully(b);
        return b;
    }
}
