/**
 * The only native code of swarmnet (JNR-FFI): TAP, netns, rtnetlink, sysctl, nftables, scheduling,
 * BPF steering; pcap capture.
 *
 * <p>Classes are named after the kernel header they mirror: {@link io.swarmnet.sys.IfTun}
 * ({@code linux/if_tun.h}) opens {@link io.swarmnet.sys.TapDevice}s whose frames may start
 * with a {@link io.swarmnet.sys.VirtioNetHdr}; {@link io.swarmnet.sys.Netns}
 * ({@code sched.h}) runs code inside a network namespace; {@link io.swarmnet.sys.Rtnetlink}
 * ({@code linux/rtnetlink.h}) programs links, addresses, routes and bridge ports;
 * {@link io.swarmnet.sys.Nftables} ({@code nftables/libnftables.h}) changes the nftables
 * ruleset; {@link io.swarmnet.sys.Sysctl} reads and writes {@code /proc/sys};
 * {@link io.swarmnet.sys.Resource} ({@code sys/resource.h}, {@code sched.h}) sets a thread's
 * nice value and {@link io.swarmnet.sys.CpuSet}; {@link io.swarmnet.sys.CpuSteering}
 * ({@code linux/bpf.h}) has the kernel steer TAP queues and {@code SO_REUSEPORT} sockets by
 * CPU. Every failed call is a
 * {@link io.swarmnet.sys.NativeIoException} naming the call and its errno.
 *
 * <p>Everything that creates a kernel object (a TAP, a socket) does so in the network
 * namespace of the calling thread: create it inside {@link io.swarmnet.sys.Netns#call} to
 * put it into a task's namespace, then use it from any thread.
 */
package io.swarmnet.sys;
