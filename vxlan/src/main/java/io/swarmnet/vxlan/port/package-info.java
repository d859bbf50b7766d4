/**
 * Local ports of the overlay switch: {@link io.swarmnet.vxlan.port.TapPort}, a TAP device
 * (with a virtio header and TSO offloads) polled by a Netty event loop through the IoHandle
 * API, epoll or io_uring.
 */
package io.swarmnet.vxlan.port;
