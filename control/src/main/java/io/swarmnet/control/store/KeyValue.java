package io.swarmnet.control.store;

import java.nio.charset.StandardCharsets;

/**
 * One key with its value and the revisions that versioned it.
 *
 * @param key            the full key, e.g. {@code /swarmnet/v1/nodes/<id>}
 * @param value          the raw value, JSON for swarmnet's records; do not modify
 * @param createRevision the store revision that created the key
 * @param modRevision    the store revision of the last write; compare it in a transaction
 * @param version        how many times the key was written since it was created
 * @param leaseId        the lease the key is attached to, 0 when none
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long leaseId) {

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
