package io.swarmnet.node.inspect;

import io.netty.buffer.ByteBuf;
import io.swarmnet.sys.PcapFileWriter;
import io.swarmnet.vxlan.vtep.FrameTap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running capture: copies the frames of one network off the event loop into a bounded
 * queue, and a writer thread of its own appends them to a pcap file. When the queue is
 * full (the disk is slower than the network) frames are dropped and counted, never waited
 * for: a capture must not slow the data path down.
 */
final class CaptureSession implements FrameTap {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureSession.class);
    static final int QUEUE_FRAMES = 8192;
    private static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private record Frame(long epochNanos, byte[] bytes) {
    }

    private final int vni;
    private final String network;
    private final Path file;
    private final long maxFrames;
    private final PcapFileWriter writer;
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile String failure;

    /**
     * Creates the file and starts the writer.
     *
     * @param maxFrames stop taking frames after this many; 0 for no limit
     * @throws IOException when the file cannot be created or libpcap is missing
     */
    CaptureSession(int vni, String network, Path file, long maxFrames) throws IOException {
        this.vni = vni;
        this.network = network;
        this.file = file;
        this.maxFrames = maxFrames;
        this.writer = PcapFileWriter.create(file);
        this.thread = new Thread(this::writeLoop, "swarmnet-capture-" + network);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void onFrame(int frameVni, ByteBuf buf, int offset, int length) {
        if (frameVni != vni || stopping) {
            return;
        }
        if (maxFrames > 0 && accepted.get() >= maxFrames) {
            return;
        }
        byte[] copy = new byte[Math.min(length, PcapFileWriter.SNAP_LENGTH)];
        buf.getBytes(offset, copy);
        Instant now = Instant.now();
        if (queue.offer(new Frame(now.getEpochSecond() * 1_000_000_000L + now.getNano(), copy))) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    private void writeLoop() {
        long lastFlush = System.nanoTime();
        boolean dirty = false;
        try {
            while (true) {
                Frame f = queue.poll(50, TimeUnit.MILLISECONDS);
                if (f != null) {
                    writer.write(f.bytes(), f.epochNanos());
                    written.incrementAndGet();
                    dirty = true;
                } else if (stopping) {
                    break;
                }
                if (dirty && System.nanoTime() - lastFlush > FLUSH_NANOS) {
                    writer.flush();
                    lastFlush = System.nanoTime();
                    dirty = false;
                }
            }
            writer.flush();
        } catch (IOException e) {
            failure = e.getMessage();
            LOG.warn("capture of network {} to {} failed: {}", network, file, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.close();
        }
    }

    /** Whether the frame limit is reached and every taken frame is in the file. */
    boolean complete() {
        return maxFrames > 0 && written.get() >= maxFrames;
    }

    /** Stops taking frames, writes what is queued and closes the file. */
    void stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** What the API reports of this capture. */
    CaptureStatus status(boolean running) {
        return new CaptureStatus(running, network, vni, file.toString(), written.get(), dropped.get(), complete(), failure);
    }
}
