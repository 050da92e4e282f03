package dev.gan;

/**
 * Something the user asked for cannot be done as asked: a bad config, flag, dataset or checkpoint.
 * The CLI prints the message as it is, on one line, and exits with code 2; no stack trace unless --verbose.
 * Messages name the file or flag, the key or place, the bad value and what to do instead.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
