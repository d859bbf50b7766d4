package io.swarmnet.control.tables;

/**
 * Receives this node's tables whenever one of them changes, one call at a time, on the
 * thread that rebuilt them; a reconciler diffs each table it owns and applies the changes.
 * Do not block in it.
 */
@FunctionalInterface
public interface DesiredTablesListener {

    /**
     * @param previous the tables before; an unchanged table is the same instance in both
     * @param current  the tables now
     */
    void onTables(DesiredTables previous, DesiredTables current);
}
