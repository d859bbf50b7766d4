package io.swarmnet.control.model;

/**
 * The value of a guard or cursor key under {@code /swarmnet/v1/alloc/}: a number that every
 * allocation it guards rewrites, so that two allocations deciding from the same state
 * cannot both commit.
 *
 * @param version the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param value   for the VNI cursor the last VNI handed out; for a guard the number of changes it saw
 */
public record AllocCounter(int version, long value) {
    public static final int SCHEMA_VERSION = 1;

    public static AllocCounter of(long value) {
        return new AllocCounter(SCHEMA_VERSION, value);
    }
}
