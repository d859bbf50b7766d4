package io.swarmnet.control.store;

import java.util.List;

/**
 * The keys under a prefix as of one store revision, sorted by key.
 *
 * @param items    the keys under the prefix, in key order
 * @param revision the store revision of the snapshot; watch from {@code revision + 1} to
 *                 see every later change exactly once
 */
public record Listing(List<KeyValue> items, long revision) {

    public Listing {
        items = List.copyOf(items);
    }
}
