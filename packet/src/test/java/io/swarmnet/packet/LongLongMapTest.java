package io.swarmnet.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LongLongMapTest {

    @Test
    void findsWhatWasPutAndReportsTheMissingValueOtherwise() {
        LongLongMap map = new LongLongMap(2);
        map.put(0x02420a000902L, 7);
        map.put(0, 1);
        map.put(0x02420a000902L, 8);
        assertThat(map.get(0x02420a000902L, -1)).as("replaced").isEqualTo(8);
        assertThat(map.get(0, -1)).isEqualTo(1);
        assertThat(map.get(5, -1)).isEqualTo(-1);
        assertThat(map.containsKey(0)).isTrue();
        assertThat(map.containsKey(5)).isFalse();
        assertThat(map.size()).isEqualTo(2);
    }

    @Test
    void growsPastTheSizeItWasMadeForAndKeepsEveryEntry() {
        LongLongMap map = new LongLongMap(1);
        Map<Long, Long> expected = new HashMap<>();
        for (long i = 0; i < 5000; i++) {
            long key = 0x0242_0000_0000L | (i * 7919);
            map.put(key, i);
            expected.put(key, i);
        }
        assertThat(map.size()).isEqualTo(5000);
        Map<Long, Long> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).isEqualTo(expected);
        expected.forEach((k, v) -> assertThat(map.get(k, -1)).isEqualTo(v));
    }

    @Test
    void refusesANegativeKeyWhichMarksAFreeSlot() {
        LongLongMap map = new LongLongMap(4);
        assertThatThrownBy(() -> map.put(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative key");
        assertThat(map.size()).isZero();
    }
}
