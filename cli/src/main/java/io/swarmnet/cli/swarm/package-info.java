/** The docker-like CLI over the cluster state: {@code swarmnet init}, {@code network}, {@code service} and {@code node}. */
package io.swarmnet.cli.swarm;
