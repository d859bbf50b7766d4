package io.swarmnet.control.view;

/**
 * One record's change between two views; read its old and new value from the update's
 * previous and current views.
 *
 * @param kind     the kind of record
 * @param id       the record's id (the last segment of its key)
 * @param type     added, updated or removed
 * @param revision the store revision of the change; after a re-list, the listing's revision
 */
public record ViewChange(RecordKind kind, String id, ChangeType type, long revision) {
}
