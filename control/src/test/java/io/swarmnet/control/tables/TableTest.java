package io.swarmnet.control.tables;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void tablesWithTheSameEntriesAreEqualAndDiffToNothing() {
        Table<String, Integer> a = Table.of(Map.of("x", 1, "y", 2));
        Table<String, Integer> b = Table.of(Map.of("y", 2, "x", 1));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.diffFrom(b).isEmpty()).isTrue();
        assertThat(Table.of(Map.of())).isSameAs(Table.empty());
    }

    @Test
    void aDiffUpsertsNewAndChangedEntriesAndRemovesGoneKeys() {
        Table<String, Integer> before = Table.of(Map.of("kept", 1, "changed", 2, "gone", 3));
        Table<String, Integer> after = Table.of(Map.of("kept", 1, "changed", 20, "new", 4));

        TableDiff<String, Integer> diff = after.diffFrom(before);

        assertThat(diff.upserts()).isEqualTo(Map.of("changed", 20, "new", 4));
        assertThat(diff.removals()).isEqualTo(Set.of("gone"));
        assertThat(Table.<String, Integer>empty().diffFrom(before).removals()).hasSize(3);
    }

    @Test
    void aTableDoesNotChangeWhenItsSourceMapDoes() {
        HashMap<String, Integer> source = new HashMap<>(Map.of("x", 1));
        Table<String, Integer> t = Table.of(source);

        source.put("y", 2);

        assertThat(t.entries()).containsOnlyKeys("x");
    }
}
