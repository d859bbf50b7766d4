package io.swarmnet.control.view;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.node.NodeStatus;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    private static final ClusterView BASE = ClusterView.EMPTY.edit()
            .put(node("n1", "192.0.2.11"), 1).alive("n1", 1)
            .put(node("n2", "192.0.2.12"), 1)
            .put(network("net", 4096, "10.0.9.0/24"), 2)
            .put(task("t2", "s", 2, "n1", at("net", "10.0.9.3")), 3)
            .put(task("t1", "s", 1, "n2", at("net", "10.0.9.2")), 3)
            .build(3);

    @Test
    void anEditMakesANewViewAndLeavesTheOldOneAndUntouchedMapsAlone() {
        ClusterView next = BASE.edit().remove(RecordKind.TASK, "t1", 4).build(4);

        assertThat(BASE.tasks()).containsOnlyKeys("t1", "t2");
        assertThat(next.tasks()).containsOnlyKeys("t2");
        assertThat(next.nodes()).isSameAs(BASE.nodes());
        assertThat(next.networks()).isSameAs(BASE.networks());
        assertThat(next.revision()).isEqualTo(4);
    }

    @Test
    void nodesAreReadyExactlyWhileAlive() {
        assertThat(BASE.nodeStatuses()).extracting(NodeStatus::state).containsExactly(NodeState.READY, NodeState.DOWN);
        assertThat(BASE.isReady("n2")).isFalse();
        assertThat(BASE.nodeState("unknown")).isEqualTo(NodeState.DOWN);
    }

    @Test
    void tasksAreIndexedByServiceAndNodeInIdOrder() {
        assertThat(BASE.tasksOf("s")).extracting(t -> t.id()).containsExactly("t1", "t2");
        assertThat(BASE.tasksOn("n1")).extracting(t -> t.id()).containsExactly("t2");
        assertThat(BASE.tasksOn("n9")).isEmpty();
    }

    @Test
    void removingWhatIsAbsentRecordsNoChange() {
        ClusterView.Editor editor = BASE.edit().remove(RecordKind.SERVICE, "nope", 4);

        assertThat(editor.changes()).isEmpty();
        assertThat(editor.build(3)).isSameAs(BASE);
    }

    @Test
    void viewsAreEqualByRevisionAndContent() {
        ClusterView same = ClusterView.EMPTY.edit()
                .put(node("n2", "192.0.2.12"), 1)
                .put(node("n1", "192.0.2.11"), 1).alive("n1", 1)
                .put(network("net", 4096, "10.0.9.0/24"), 2)
                .put(task("t1", "s", 1, "n2", at("net", "10.0.9.2")), 3)
                .put(task("t2", "s", 2, "n1", at("net", "10.0.9.3")), 3)
                .build(3);

        assertThat(same).isEqualTo(BASE).hasSameHashCodeAs(BASE);
        assertThat(same.edit().build(7)).isNotEqualTo(BASE).matches(v -> v.sameContent(BASE));
    }

    @Test
    void anEditorBuildsOnceAndRefusesTheWrongRecordType() {
        ClusterView.Editor editor = BASE.edit();
        assertThatThrownBy(() -> editor.put(RecordKind.TASK, "x", node("x", "192.0.2.1"), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Task");
        editor.build(4);
        assertThatThrownBy(() -> editor.remove(RecordKind.TASK, "t1", 5)).isInstanceOf(IllegalStateException.class);
    }
}
