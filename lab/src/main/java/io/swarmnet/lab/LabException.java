package io.swarmnet.lab;

import io.swarmnet.node.command.UserException;

/** A lab operation that failed, with a one-line message the CLI prints as it is. */
public class LabException extends UserException {
    private static final long serialVersionUID = 1L;

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
