/** Egress: the docker_gwbridge bridge, its NAT and host-mode plumbing. */
package io.swarmnet.gwbridge;
