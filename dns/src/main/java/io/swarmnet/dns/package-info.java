/** The embedded resolver every task sees at 127.0.0.11. */
package io.swarmnet.dns;
