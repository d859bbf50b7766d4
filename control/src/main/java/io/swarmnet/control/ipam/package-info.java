/** IPv4 addresses and subnets as ints, and the MAC address Docker derives from an address. */
package io.swarmnet.control.ipam;
