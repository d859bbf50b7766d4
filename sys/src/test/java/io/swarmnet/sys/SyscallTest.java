package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyscallTest {
    @Test
    void bpfHasItsNumberOnTheArchitecturesJavaReportsAndNoneElsewhere() {
        assertThat(Syscall.bpfNumber("amd64")).isEqualTo(321);
        assertThat(Syscall.bpfNumber("x86_64")).isEqualTo(321);
        assertThat(Syscall.bpfNumber("aarch64")).isEqualTo(280);
        // Elsewhere the call answers ENOSYS, which CpuSteering reports with the call's name.
        assertThat(Syscall.bpfNumber("riscv64")).isEqualTo(-1);
        assertThat(Errno.name(Errno.ENOSYS)).isEqualTo("ENOSYS");
    }
}
