package io.swarmnet.vxlan.vtep;

/**
 * Decides, from the VTEP's packet rate, where a sharded VTEP's kernel steering sends
 * packets: to the shard of the CPU they arrive on, or all to shard 0.
 *
 * <p>Measured on the 2-CPU lab (2026-11-22): a shard per CPU takes a cross-CPU wake-up
 * out of a light request-response round trip (ping: +34 instead of +54 µs over the
 * kernel's vxlan), but under many short connections it costs a quarter of the rate (HTTP
 * with {@code Connection: close}: 6,945 against 9,770 requests/s through a VIP), because
 * one loop serving every queue batches the frames of many connections per wake-up and
 * two loops each wake for fewer. So a VTEP steers by CPU while traffic is light and
 * gathers it on shard 0 while it is heavy. The switch back waits for a quiet second, so a
 * rate hovering at the threshold does not flap.
 *
 * <p>Not thread-safe: one loop ticks it.
 */
final class SteeringGovernor {
    /** Packets a second (in, out and local) above which everything goes to shard 0, by default. */
    static final long GATHER_ABOVE = 20_000;
    /** How often the VTEP ticks the governor. */
    static final long TICK_MILLIS = 100;
    /** Quiet ticks before spreading again: one second. */
    static final int QUIET_TICKS = 10;

    private final long gatherAbove;
    /** Packets a second below which, for {@link #QUIET_TICKS} ticks in a row, steering goes by CPU again. */
    private final long spreadBelow;
    private boolean byCpu = true;
    private int quiet;
    private long lastPackets = -1;
    private long lastNanos;

    SteeringGovernor() {
        this(GATHER_ABOVE);
    }

    /** A governor gathering above {@code gatherAbove} packets a second and spreading below half of it. */
    SteeringGovernor(long gatherAbove) {
        if (gatherAbove < 2) {
            throw new IllegalArgumentException("gather threshold " + gatherAbove + " packets/s < 2");
        }
        this.gatherAbove = gatherAbove;
        this.spreadBelow = gatherAbove / 2;
    }

    /** Whether packets go to the shard of their CPU (else all to shard 0). */
    boolean byCpu() {
        return byCpu;
    }

    /**
     * Takes the VTEP's packet total at {@code nanos} and returns whether to steer by CPU
     * from now on. The first call only sets the baseline. A total that went backwards or a
     * clock that did not advance changes nothing and counts as neither busy nor quiet.
     */
    boolean tick(long packets, long nanos) {
        long previous = lastPackets;
        long elapsed = nanos - lastNanos;
        lastPackets = packets;
        lastNanos = nanos;
        if (previous < 0 || packets < previous || elapsed <= 0) {
            return byCpu;
        }
        long perSecond = (long) ((packets - previous) * 1e9 / elapsed);
        if (byCpu) {
            if (perSecond > gatherAbove) {
                byCpu = false;
                quiet = 0;
            }
        } else if (perSecond < spreadBelow) {
            if (++quiet >= QUIET_TICKS) {
                byCpu = true;
                quiet = 0;
            }
        } else {
            quiet = 0;
        }
        return byCpu;
    }
}
