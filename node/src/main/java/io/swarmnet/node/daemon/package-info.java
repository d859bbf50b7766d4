/** The {@code swarmnet agent} daemon: its flags, lifecycle and metrics endpoint. */
package io.swarmnet.node.daemon;
