package io.swarmnet.control.view;

/** What happened to one record between two views. */
public enum ChangeType {
    ADDED,
    UPDATED,
    REMOVED
}
