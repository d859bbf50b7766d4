package io.swarmnet.control.tables;

/**
 * A name as the tasks on one network ask for it: the key of the DNS table.
 *
 * @param networkId the network the asking task is on
 * @param name      the name, lowercase, without a trailing dot
 */
public record DnsKey(String networkId, String name) {
}
