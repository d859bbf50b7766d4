/** The cluster's records as stored: JSON via Jackson, each with a schema version. */
package io.swarmnet.control.model;
