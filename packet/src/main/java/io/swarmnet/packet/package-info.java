/** Flyweight wire views (Ethernet, ARP, IPv4, ICMP, UDP, TCP, VXLAN) and checksums; never allocates. */
package io.swarmnet.packet;
