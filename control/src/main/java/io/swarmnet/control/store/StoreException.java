package io.swarmnet.control.store;

/** A store operation failed; the message says what and where, fit for one log or CLI line. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
