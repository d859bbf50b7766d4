/** Node identity and the node registry: persistent records plus leased liveness keys. */
package io.swarmnet.control.node;
