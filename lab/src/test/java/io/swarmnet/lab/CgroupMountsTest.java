package io.swarmnet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a lab host's dockerd mounts again for each cgroup layout a machine may have. */
class CgroupMountsTest {

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("cgroup v1 with a unified hierarchy beside it (this project's CI)", """
                        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
                        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
                        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                        """, List.of(
                        "mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup",
                        "mkdir -p /sys/fs/cgroup/cpu",
                        "mount -t cgroup -o cpu cgroup /sys/fs/cgroup/cpu",
                        "mkdir -p /sys/fs/cgroup/systemd",
                        "mount -t cgroup -o name=systemd cgroup /sys/fs/cgroup/systemd",
                        "mkdir -p /sys/fs/cgroup/unified",
                        "mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified"),
                        List.of("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified")),
                Arguments.of("systemd's hybrid layout: a read-only tmpfs, joined controllers", """
                        25 21 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755,inode64
                        27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd
                        30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:14 - cgroup cgroup rw,cpu,cpuacct
                        """, List.of(
                        "mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup",
                        "mkdir -p /sys/fs/cgroup/systemd",
                        "mount -t cgroup -o xattr,name=systemd cgroup /sys/fs/cgroup/systemd",
                        "mkdir -p /sys/fs/cgroup/cpu,cpuacct",
                        "mount -t cgroup -o cpu,cpuacct cgroup /sys/fs/cgroup/cpu,cpuacct"),
                        List.of("/sys/fs/cgroup/systemd", "/sys/fs/cgroup/cpu,cpuacct")),
                Arguments.of("cgroup v2 only, its machine-wide flags kept", """
                        22 21 0:5 / /sys rw,nosuid shared:7 - sysfs sysfs rw
                        26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
                        """, List.of(
                        "mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup"),
                        List.of("/sys/fs/cgroup")),
                Arguments.of("a hierarchy outside /sys is not hidden by 'ip netns exec'", """
                        50 21 0:40 / /cgroup/freezer rw - cgroup cgroup rw,freezer
                        """, List.of(), List.of("/cgroup/freezer")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void remountsWhatTheMachineHas(String layout, String mountinfo, List<String> commands, List<String> hierarchies) {
        CgroupMounts m = CgroupMounts.parse(mountinfo);
        assertThat(m.remountCommands()).containsExactlyElementsOf(commands);
        assertThat(m.hierarchies()).containsExactlyElementsOf(hierarchies.stream().map(Path::of).toList());
    }
}
