package io.swarmnet.lab;

import java.util.List;

/**
 * What {@code lab down} removed.
 *
 * @param name the lab name
 * @param existed whether anything of the lab was found
 * @param namespaces the namespaces deleted
 * @param processesStopped how many live processes were stopped
 * @param problems what could not be removed; empty when the lab is completely gone
 */
public record DownReport(String name, boolean existed, List<String> namespaces, int processesStopped,
                         List<String> problems) {

    public boolean clean() {
        return problems.isEmpty();
    }
}
