package io.swarmnet.sys;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A pcap file of Ethernet frames, written through libpcap (pcap4j on a "dead" handle), so
 * tcpdump, tshark and Wireshark read it as they read their own. Not thread-safe: one
 * writer thread owns it.
 */
public final class PcapFileWriter implements AutoCloseable {
    /** Frames longer than this are cut, as tcpdump's default snap length cuts them. */
    public static final int SNAP_LENGTH = 262_144;

    private final PcapHandle handle;
    private final PcapDumper dumper;

    private PcapFileWriter(PcapHandle handle, PcapDumper dumper) {
        this.handle = handle;
        this.dumper = dumper;
    }

    /**
     * Creates (or truncates) {@code file} with a pcap header for Ethernet frames.
     *
     * @throws IOException when libpcap cannot be loaded or the file cannot be created
     */
    public static PcapFileWriter create(Path file) throws IOException {
        PcapHandle handle;
        try {
            handle = Pcaps.openDead(DataLinkType.EN10MB, SNAP_LENGTH);
        } catch (PcapNativeException | RuntimeException | LinkageError e) {
            throw new IOException("cannot use libpcap: " + e.getMessage(), e);
        }
        try {
            return new PcapFileWriter(handle, handle.dumpOpen(file.toString()));
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new IOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one frame taken at {@code epochNanos}. */
    public void write(byte[] frame, long epochNanos) throws IOException {
        Timestamp ts = new Timestamp(Math.floorDiv(epochNanos, 1_000_000L));
        ts.setNanos((int) Math.floorMod(epochNanos, 1_000_000_000L));
        try {
            dumper.dumpRaw(frame, ts);
        } catch (NotOpenException e) {
            throw new IOException("the pcap file is closed", e);
        }
    }

    /** Pushes what libpcap buffered to the file, so a reader sees every frame written so far. */
    public void flush() throws IOException {
        try {
            dumper.flush();
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("cannot flush the pcap file: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        dumper.close();
        handle.close();
    }
}
