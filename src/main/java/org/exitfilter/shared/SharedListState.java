package org.exitfilter.shared;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is known of one shared list, as kept in {@code state-dir/NAME/state.json} and shown by
 * {@code exitfilter shared status} and {@code /status}. Times are ISO-8601 instants (UTC); absent
 * facts are {@code null}.
 *
 * @param name the list's name
 * @param url the repository it was last fetched from
 * @param branch the branch followed
 * @param acceptedCommit the commit whose list is in force, or {@code null} before the first
 * @param acceptedAt when that commit was accepted
 * @param acceptedCommitTime the commit's committer time, for its age
 * @param lastFetchAt when the last fetch finished
 * @param lastFetchResult accepted, unchanged, refused or unreachable
 * @param lastFetchMessage what the last fetch found, in a line
 * @param lastSuccessAt when a fetch last confirmed the accepted commit as current (or accepted it)
 * @param lastRefusalAt when an update was last refused
 * @param lastRefusedCommit the commit refused then
 * @param lastRefusalReason why, e.g. {@code cascade@1a2b3c4: blocklist.yaml:12:5: invalid domain}
 */
public record SharedListState(
    String name,
    String url,
    String branch,
    String acceptedCommit,
    String acceptedAt,
    String acceptedCommitTime,
    String lastFetchAt,
    String lastFetchResult,
    String lastFetchMessage,
    String lastSuccessAt,
    String lastRefusalAt,
    String lastRefusedCommit,
    String lastRefusalReason) {

  /** The state of a list never fetched. */
  static SharedListState initial(String name, String url, String branch) {
    return new SharedListState(
        name, url, branch, null, null, null, null, null, null, null, null, null, null);
  }

  /** The same facts, the list now fetched from {@code url}'s {@code branch}. */
  SharedListState from(String url, String branch) {
    return new SharedListState(
        name,
        url,
        branch,
        acceptedCommit,
        acceptedAt,
        acceptedCommitTime,
        lastFetchAt,
        lastFetchResult,
        lastFetchMessage,
        lastSuccessAt,
        lastRefusalAt,
        lastRefusedCommit,
        lastRefusalReason);
  }

  SharedListState fetched(String at, UpdateResult result) {
    return new SharedListState(
        name,
        url,
        branch,
        acceptedCommit,
        acceptedAt,
        acceptedCommitTime,
        at,
        result.outcome().label(),
        result.message(),
        result.outcome().success() ? at : lastSuccessAt,
        result.outcome() == UpdateResult.Outcome.REFUSED ? at : lastRefusalAt,
        result.outcome() == UpdateResult.Outcome.REFUSED ? result.commit() : lastRefusedCommit,
        result.outcome() == UpdateResult.Outcome.REFUSED ? result.message() : lastRefusalReason);
  }

  SharedListState accepted(String commit, String at, String commitTime) {
    return new SharedListState(
        name,
        url,
        branch,
        commit,
        at,
        commitTime,
        lastFetchAt,
        lastFetchResult,
        lastFetchMessage,
        lastSuccessAt,
        lastRefusalAt,
        lastRefusedCommit,
        lastRefusalReason);
  }

  /** The facts as {@code /status} shows them. */
  public Map<String, Object> toStatus() {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("name", name);
    status.put("url", url);
    status.put("branch", branch);
    status.put("acceptedCommit", acceptedCommit);
    status.put("acceptedAt", acceptedAt);
    Map<String, Object> fetch = new LinkedHashMap<>();
    fetch.put("at", lastFetchAt);
    fetch.put("result", lastFetchResult);
    fetch.put("message", lastFetchMessage);
    status.put("lastFetch", fetch);
    Map<String, Object> refusal = new LinkedHashMap<>();
    refusal.put("at", lastRefusalAt);
    refusal.put("commit", lastRefusedCommit);
    refusal.put("reason", lastRefusalReason);
    status.put("lastRefusal", refusal);
    return status;
  }
}
