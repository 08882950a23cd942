package org.exitfilter.requests;

/**
 * A request command that cannot be carried out, with a message for the operator that says why and,
 * where there is one, what to do instead. Nothing was changed when it is thrown.
 */
public final class RequestException extends Exception {
  /** What kind of refusal, so the command line can pick its exit code. */
  public enum Kind {
    /** No request has that id. */
    UNKNOWN_REQUEST,
    /** The request is not in a state that allows the step (e.g. approving a rejected request). */
    WRONG_STATE,
    /** Approving a name no proof covers, without {@code --force}. */
    NOT_VERIFIED,
    /** An argument is not valid (a name that is not a name, a blank reason). */
    INVALID_ARGUMENT,
    /** A request file is not readable as one; the message lists every problem. */
    INVALID_FILE,
    /** The blocklist cannot be changed as asked without disturbing it. */
    BLOCKLIST_LAYOUT
  }

  private final Kind kind;

  public RequestException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
