/**
 * The cluster view: an immutable, revisioned snapshot of the cluster state (nodes and
 * their readiness, networks, services, tasks), the checks a stored record must pass to
 * enter it, and the record-level changes between two views.
 */
package io.swarmnet.control.view;
