package io.swarmnet.control.watch;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.WatchEvent;
import io.swarmnet.control.view.ChangeType;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.control.view.ViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewApplierTest {
    private static final Task T1 = task("t1", "s", 1, "n1", at("net", "10.0.9.2"));
    private static final Task T1_MOVED = task("t1", "s", 1, "n2", at("net", "10.0.9.2"));

    private static WatchEvent put(String key, Object record, long revision) {
        return new WatchEvent(WatchEvent.Type.PUT, key, ModelJson.write(record), revision);
    }

    private static WatchEvent raw(String key, String value, long revision) {
        return new WatchEvent(WatchEvent.Type.PUT, key, value.getBytes(UTF_8), revision);
    }

    private static WatchEvent delete(String key, long revision) {
        return new WatchEvent(WatchEvent.Type.DELETE, key, new byte[0], revision);
    }

    private static KeyValue kv(String key, Object record, long revision) {
        return new KeyValue(key, ModelJson.write(record), revision, revision, 1, 0);
    }

    @Test
    void appliesEventsInRevisionOrderAndRecordsEachChange() {
        ViewApplier.Step step = ViewApplier.apply(ClusterView.EMPTY, List.of(
                put(Keys.network("net"), network("net", 4096, "10.0.9.0/24"), 5),
                put(Keys.task("t1"), T1, 6),
                put(Keys.task("t1"), T1_MOVED, 7),
                delete(Keys.network("net"), 8)));

        assertThat(step.view().revision()).isEqualTo(8);
        assertThat(step.view().tasks()).containsOnlyKeys("t1").containsValue(T1_MOVED);
        assertThat(step.view().networks()).isEmpty();
        assertThat(step.changes()).containsExactly(
                new ViewChange(RecordKind.NETWORK, "net", ChangeType.ADDED, 5),
                new ViewChange(RecordKind.TASK, "t1", ChangeType.ADDED, 6),
                new ViewChange(RecordKind.TASK, "t1", ChangeType.UPDATED, 7),
                new ViewChange(RecordKind.NETWORK, "net", ChangeType.REMOVED, 8));
        assertThat(step.applied()).isEqualTo(4);
    }

    @Test
    void skipsEventsTheViewAlreadyHas() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(put(Keys.task("t1"), T1, 6))).view();

        ViewApplier.Step again = ViewApplier.apply(view, List.of(put(Keys.task("t1"), T1, 6), put(Keys.task("t1"), T1_MOVED, 7)));

        assertThat(again.skipped()).isEqualTo(1);
        assertThat(again.changes()).containsExactly(new ViewChange(RecordKind.TASK, "t1", ChangeType.UPDATED, 7));
        ViewApplier.Step old = ViewApplier.apply(again.view(), List.of(put(Keys.task("t1"), T1, 6)));
        assertThat(old.view()).isSameAs(again.view());
        assertThat(old.changes()).isEmpty();
    }

    @Test
    void aRejectedRecordIsCountedAndRemovesTheValueTheViewHad() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(put(Keys.task("t1"), T1, 6))).view();

        ViewApplier.Step step = ViewApplier.apply(view, List.of(raw(Keys.task("t1"), "{not json", 7)));

        assertThat(step.rejected()).isEqualTo(1);
        assertThat(step.view().tasks()).isEmpty();
        assertThat(step.view().revision()).isEqualTo(7);
        assertThat(step.changes()).containsExactly(new ViewChange(RecordKind.TASK, "t1", ChangeType.REMOVED, 7));
    }

    @Test
    void aLaterValidWriteOfARejectedKeyApplies() {
        ViewApplier.Step step = ViewApplier.apply(ClusterView.EMPTY, List.of(
                raw(Keys.task("t1"), "{\"version\":1}", 6),
                raw(Keys.task("t2"), "[]", 7),
                put(Keys.task("t1"), T1, 8)));

        assertThat(step.rejected()).isEqualTo(2);
        assertThat(step.view().tasks()).containsOnlyKeys("t1");
        assertThat(step.changes()).containsExactly(new ViewChange(RecordKind.TASK, "t1", ChangeType.ADDED, 8));
    }

    @Test
    void keysOutsideTheRecordsAdvanceTheRevisionAndNothingElse() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(put(Keys.task("t1"), T1, 6))).view();

        ViewApplier.Step step = ViewApplier.apply(view, List.of(raw(Keys.ROOT + "ipam/10.0.9.0/24", "whatever", 7)));

        assertThat(step.view().revision()).isEqualTo(7);
        assertThat(step.view().sameContent(view)).isTrue();
        assertThat(step.changes()).isEmpty();
        assertThat(step.rejected()).isZero();
    }

    @Test
    void aNodeIsReadyWhileItsLivenessKeyExists() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(
                put(Keys.node("n1"), node("n1", "192.0.2.21"), 3),
                raw(Keys.nodeAlive("n1"), "{}", 3))).view();
        assertThat(view.nodeState("n1")).isEqualTo(NodeState.READY);

        ViewApplier.Step expired = ViewApplier.apply(view, List.of(delete(Keys.nodeAlive("n1"), 9)));

        assertThat(expired.view().nodeState("n1")).isEqualTo(NodeState.DOWN);
        assertThat(expired.view().nodes()).containsKey("n1");
        assertThat(expired.changes()).containsExactly(new ViewChange(RecordKind.LIVENESS, "n1", ChangeType.REMOVED, 9));
    }

    @Test
    void aRelistEmitsTheDifferenceNotAReset() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(
                put(Keys.node("n1"), node("n1", "192.0.2.21"), 3),
                put(Keys.task("t1"), T1, 4),
                put(Keys.task("t2"), task("t2", "s", 2, "n1"), 5))).view();

        ViewApplier.Step step = ViewApplier.relist(view, new Listing(List.of(
                kv(Keys.node("n1"), node("n1", "192.0.2.21"), 3),
                kv(Keys.task("t1"), T1_MOVED, 10),
                kv(Keys.task("t3"), task("t3", "s", 3, "n1"), 11),
                new KeyValue(Keys.task("t4"), "bad".getBytes(UTF_8), 12, 12, 1, 0)), 20));

        assertThat(step.view().revision()).isEqualTo(20);
        assertThat(step.rejected()).isEqualTo(1);
        assertThat(step.changes()).containsExactly(
                new ViewChange(RecordKind.TASK, "t2", ChangeType.REMOVED, 20),
                new ViewChange(RecordKind.TASK, "t1", ChangeType.UPDATED, 20),
                new ViewChange(RecordKind.TASK, "t3", ChangeType.ADDED, 20));
        assertThat(step.view().nodes().get("n1")).isSameAs(view.nodes().get("n1"));
    }

    @Test
    void aRelistOlderThanTheViewIsRefused() {
        ClusterView view = ViewApplier.apply(ClusterView.EMPTY, List.of(put(Keys.task("t1"), T1, 6))).view();

        assertThatThrownBy(() -> ViewApplier.relist(view, new Listing(List.of(), 5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("older");
    }
}
