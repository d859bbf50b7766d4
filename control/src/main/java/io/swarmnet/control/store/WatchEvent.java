package io.swarmnet.control.store;

/**
 * One change to one key seen by a {@link Watch}.
 *
 * @param type     a put (create or update) or a delete (also by lease expiry)
 * @param key      the full key
 * @param value    the new value of a put; empty for a delete
 * @param revision the store revision of the change
 */
public record WatchEvent(Type type, String key, byte[] value, long revision) {

    /** The kind of change. */
    public enum Type { PUT, DELETE }
}
