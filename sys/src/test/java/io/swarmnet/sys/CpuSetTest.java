package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuSetTest {
    @Test
    void readsNumbersAndRangesAndWritesThemBackCanonically() {
        CpuSet set = CpuSet.parse("5, 0-2,1,7-7");
        assertThat(set.toString()).isEqualTo("0-2,5,7");
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.contains(2)).isTrue();
        assertThat(set.contains(3)).isFalse();
        assertThat(set.contains(-1)).isFalse();
        assertThat(CpuSet.parse(set.toString())).isEqualTo(set);
        assertThat(CpuSet.of(7, 0, 5, 1, 2)).isEqualTo(set);
        assertThat(CpuSet.parse("1023").toString()).isEqualTo("1023");
    }

    @Test
    void subsets() {
        assertThat(CpuSet.parse("1").isSubsetOf(CpuSet.parse("0-1"))).isTrue();
        assertThat(CpuSet.parse("0-2").isSubsetOf(CpuSet.parse("0-1"))).isFalse();
    }

    @Test
    void theMaskHasBitNForCpuN() {
        long[] mask = CpuSet.parse("0,3,64").toMask();
        assertThat(mask).hasSize(CpuSet.MASK_BYTES / Long.BYTES);
        assertThat(mask[0]).isEqualTo(0b1001L);
        assertThat(mask[1]).isEqualTo(1L);
        assertThat(CpuSet.fromMask(mask)).isEqualTo(CpuSet.parse("0,3,64"));
    }

    @Test
    void badListsAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> CpuSet.parse("")).hasMessage("empty CPU list");
        assertThatThrownBy(() -> CpuSet.parse(null)).hasMessage("empty CPU list");
        assertThatThrownBy(() -> CpuSet.of()).hasMessage("empty CPU list");
        assertThatThrownBy(() -> CpuSet.parse("0,,1")).hasMessage("CPU list '0,,1' has an empty element");
        assertThatThrownBy(() -> CpuSet.parse("1-")).hasMessage("CPU list '1-' has an empty element");
        assertThatThrownBy(() -> CpuSet.parse("-1")).hasMessage("CPU list '-1': '-1' is not a CPU number");
        assertThatThrownBy(() -> CpuSet.parse("a")).hasMessage("CPU list 'a': 'a' is not a CPU number");
        assertThatThrownBy(() -> CpuSet.parse("0x1")).hasMessage("CPU list '0x1': '0x1' is not a CPU number");
        assertThatThrownBy(() -> CpuSet.parse("3-1")).hasMessage("CPU list '3-1': range 3-1 ends below its start");
        assertThatThrownBy(() -> CpuSet.parse("1024")).hasMessage("CPU 1024 is outside 0..1023");
        assertThatThrownBy(() -> CpuSet.parse("99999999999")).hasMessage("CPU 99999999999 is outside 0..1023");
        assertThatThrownBy(() -> CpuSet.of(-1)).hasMessage("CPU -1 is outside 0..1023");
    }
}
