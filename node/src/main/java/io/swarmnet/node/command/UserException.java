package io.swarmnet.node.command;

/**
 * An error the user can fix: printed as one line without a stack trace, exit code 1.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
