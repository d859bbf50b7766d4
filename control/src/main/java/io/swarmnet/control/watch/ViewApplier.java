package io.swarmnet.control.watch;

import io.swarmnet.control.model.CommitStamp;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.WatchEvent;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.control.view.RecordSchema;
import io.swarmnet.control.view.RecordSchema.ClusterKey;
import io.swarmnet.control.view.ViewChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a {@link ClusterView} forward by watched changes or to a fresh listing. Pure apart
 * from logging: the watcher owns the state, this only computes the next step.
 *
 * <p>A record that does not decode is logged with its key and revision, counted, and
 * treated as a delete of its key: the store no longer holds the value the view had, so
 * keeping it would show something that is not there. A later valid write of the key
 * enters the view as usual.
 */
final class ViewApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ViewApplier.class);

    private ViewApplier() {
    }

    /**
     * One step of the view.
     *
     * @param view     the next view; the same instance when nothing new arrived
     * @param changes  the record changes, in revision order
     * @param applied  events applied (those above the old view's revision)
     * @param skipped  events at or below the old view's revision, already applied
     * @param rejected records left out because they did not decode
     */
    record Step(ClusterView view, List<ViewChange> changes, int applied, int skipped, int rejected,
                List<Long> commitStamps) {
        Step(ClusterView view, List<ViewChange> changes, int applied, int skipped, int rejected) {
            this(view, changes, applied, skipped, rejected, List.of());
        }
    }

    /**
     * Applies watched changes in revision order. Changes at or below the view's revision are
     * skipped: the view has them already (a reconnect may deliver them again).
     */
    static Step apply(ClusterView view, List<WatchEvent> events) {
        ClusterView.Editor editor = view.edit();
        long floor = view.revision();
        long last = floor;
        int applied = 0;
        int skipped = 0;
        int rejected = 0;
        List<Long> stamps = new ArrayList<>();
        for (WatchEvent event : events) {
            if (event.revision() <= floor) {
                skipped++;
                continue;
            }
            if (event.revision() < last) {
                // The store promises revision order; a break of it must not move the view back.
                LOG.error("dropped a change to {} at revision {} that arrived after revision {}", event.key(), event.revision(), last);
                skipped++;
                continue;
            }
            last = event.revision();
            applied++;
            if (event.key().equals(Keys.COMMIT_STAMP) && event.type() == WatchEvent.Type.PUT) {
                commitStamp(event).ifPresent(stamps::add);
                continue;
            }
            ClusterKey key = RecordSchema.parseKey(event.key());
            if (key == null) {
                continue;
            }
            if (event.type() == WatchEvent.Type.DELETE) {
                editor.remove(key.kind(), key.id(), event.revision());
                continue;
            }
            Object record = decodeOrNull(key, event.value(), event.revision());
            if (record == null) {
                rejected++;
                editor.remove(key.kind(), key.id(), event.revision());
            } else {
                editor.put(key.kind(), key.id(), record, event.revision());
            }
        }
        ClusterView next = applied == 0 ? view : editor.build(last);
        return new Step(next, applied == 0 ? List.of() : editor.changes(), applied, skipped, rejected, stamps);
    }

    /** The commit time a stamp carries; a stamp that does not decode only costs its figure. */
    private static Optional<Long> commitStamp(WatchEvent event) {
        try {
            return Optional.of(ModelJson.read(event.value(), CommitStamp.class).epochMillis());
        } catch (RuntimeException e) {
            LOG.debug("unreadable commit stamp at revision {}", event.revision(), e);
            return Optional.empty();
        }
    }

    /**
     * The difference between the view and a fresh listing, as changes at the listing's
     * revision: records the listing lacks are removed, new ones added, changed ones updated.
     *
     * @throws IllegalStateException when the listing is older than the view, which a
     *                               linearizable listing never is
     */
    static Step relist(ClusterView view, Listing listing) {
        if (listing.revision() < view.revision()) {
            throw new IllegalStateException("a listing at revision " + listing.revision()
                    + " is older than the view at revision " + view.revision());
        }
        long revision = listing.revision();
        int rejected = 0;
        Map<ClusterKey, Object> target = new HashMap<>();
        List<ClusterKey> order = new ArrayList<>();
        for (KeyValue kv : listing.items()) {
            ClusterKey key = RecordSchema.parseKey(kv.key());
            if (key == null) {
                continue;
            }
            Object record = decodeOrNull(key, kv.value(), kv.modRevision());
            if (record == null) {
                rejected++;
            } else {
                target.put(key, record);
                order.add(key);
            }
        }
        ClusterView.Editor editor = view.edit();
        for (RecordKind kind : RecordKind.values()) {
            for (String id : List.copyOf(editor.ids(kind)).stream().sorted().toList()) {
                if (!target.containsKey(new ClusterKey(kind, id))) {
                    editor.remove(kind, id, revision);
                }
            }
        }
        for (ClusterKey key : order) {
            Object record = target.get(key);
            if (!Objects.equals(editor.get(key.kind(), key.id()), record)) {
                editor.put(key.kind(), key.id(), record, revision);
            }
        }
        return new Step(editor.build(revision), editor.changes(), 0, 0, rejected);
    }

    private static Object decodeOrNull(ClusterKey key, byte[] value, long revision) {
        try {
            return RecordSchema.decode(key, value);
        } catch (RuntimeException e) {
            // Any failure to decode is the record's fault, never a reason to stop watching.
            LOG.warn("rejected {} at revision {}: {}", key.key(), revision, e.getMessage());
            return null;
        }
    }
}
