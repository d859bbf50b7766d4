package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Bad names, routes and keys are refused in Java, before any call reaches the kernel. */
class InputValidationTest {

    @Test
    void interfaceNameOfFifteenBytesIsTheLongestAccepted() {
        assertThat(IfName.check("abcdefghijklmno")).hasSize(15);
        assertThatThrownBy(() -> IfName.check("abcdefghijklmnop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes, the kernel allows at most 15");
    }

    @Test
    void interfaceNameMustNotBeEmptyReservedOrContainSeparators() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a:b", "a b", "a\tb"}) {
            assertThatThrownBy(() -> IfName.check(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> IfName.check(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routeWithHostBitsOrBadPrefixIsRefused() {
        assertThatThrownBy(() -> Ipv4Route.direct(0x0a000001, 24, "br0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.1/24 has host bits set");
        assertThatThrownBy(() -> Ipv4Route.direct(0, 33, "br0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33");
        assertThatThrownBy(() -> new Ipv4Route(0x0a000000, 8, 0, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gateway or a device");
        assertThatThrownBy(() -> new Ipv4Route(0, 0, 0x0a000001, null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on-link");
        assertThatThrownBy(() -> Ipv4Route.direct(0, 0, "a-name-far-too-long"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routePrintsLikeIproute2() {
        assertThat(Ipv4Route.defaultVia(0xac120001)).hasToString("default via 172.18.0.1");
        assertThat(new Ipv4Route(0x0a000000, 24, 0xc0a80001, "eth1", true))
                .hasToString("10.0.0.0/24 via 192.168.0.1 dev eth1 onlink");
        assertThat(Ipv4Route.direct(0, 0, "tap0")).hasToString("default dev tap0");
    }

    @Test
    void sysctlKeysMapToProcSysAndCannotEscapeIt() {
        assertThat(Sysctl.path("net.ipv4.ip_forward")).isEqualTo(Paths.get("/proc/sys/net/ipv4/ip_forward"));
        assertThat(Sysctl.path("net/ipv4/conf/eth0.10/forwarding"))
                .isEqualTo(Paths.get("/proc/sys/net/ipv4/conf/eth0.10/forwarding"));
        for (String bad : new String[] {"", "net..ipv4", "net/../../etc/passwd", "/net/ipv4", "net.ipv4."}) {
            assertThatThrownBy(() -> Sysctl.path(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void tapFlagsOtherThanVnetHeaderAndMultiQueueAreRefused() {
        assertThatThrownBy(() -> IfTun.openTap("tap0", 0x0001, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x1");
        assertThatThrownBy(() -> IfTun.openTap("tap-name-too-long", 0, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namespaceNameMustNotBeAPath() {
        assertThatThrownBy(() -> Netns.named("../../proc/1/ns/net")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Netns.named("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nativeExceptionNamesCallErrnoAndKernelText() {
        NativeIoException e = new NativeIoException("RTM_NEWLINK br0 mtu 10", Errno.EINVAL, "MTU too small");
        assertThat(e).hasMessage("RTM_NEWLINK br0 mtu 10: EINVAL (Invalid argument): MTU too small");
        assertThat(e.isAbsent()).isFalse();
        assertThat(e.isAlreadyExists()).isFalse();
        assertThat(new NativeIoException("x", Errno.EEXIST, null).isAlreadyExists()).isTrue();
        for (int errno : new int[] {Errno.ENOENT, Errno.ENODEV, Errno.ESRCH, Errno.EADDRNOTAVAIL}) {
            assertThat(new NativeIoException("x", errno, null).isAbsent()).as(Errno.name(errno)).isTrue();
        }
        assertThat(Syscall.newIOException("ioctl TUNSETIFF tap0", -Errno.EBUSY))
                .hasMessage("ioctl TUNSETIFF tap0: EBUSY (Device or resource busy)");
    }
}
