package io.swarmnet.node.reconcile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The reconciler's target for task namespaces: what makes, checks and removes a task's
 * interfaces (TAPs on the VTEP, the in-task DNS socket, the gwbridge link).
 * {@link DefaultTaskNamespaces} does it in the kernel; tests use an in-memory fake.
 *
 * <p>Contract, as for every reconciler target: {@link #plumb} of a failed attach may be
 * called again; removing what is absent is not an error.
 */
public interface TaskNamespaces {

    /**
     * Makes what {@code plan} says in its namespace and returns it; on failure removes what
     * it made and rethrows.
     */
    Attachment plumb(AttachmentPlan plan) throws IOException;

    /** Removes what {@link #plumb} made; what is gone already is skipped. */
    void unplumb(Attachment attachment) throws IOException;

    /** Whether every interface of {@code attachment} is still in its namespace (a namespace re-created under the same path has none). */
    boolean realised(Attachment attachment);

    /**
     * Reads back {@code plan} as an earlier run of the agent realised it, so a restart takes
     * it over without re-creating it; empty when any of it is missing.
     */
    Optional<Attachment> adopt(AttachmentPlan plan) throws IOException;

    /** Whether the namespace at {@code netns} exists. */
    boolean exists(Path netns);

    /** Removes what an attach of {@code taskId} that did not finish may have left; none is no error. */
    void removeLeftovers(String taskId) throws IOException;
}
