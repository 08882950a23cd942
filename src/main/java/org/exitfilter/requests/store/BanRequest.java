package org.exitfilter.requests.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.exitfilter.config.RuleKind;

/**
 * One ban request as kept in {@code requests/ID.yaml}: who asked, for which names, how ownership
 * was proved, and what the operator decided. Immutable; every change makes a new value that is
 * written back whole.
 *
 * <p>Changed copies are made with {@link #toBuilder()}. The file is over 400 lines because of that
 * builder (one setter per field) and because the model's small types are nested here, so that it
 * reads as the schema of a request file.
 *
 * <p>The texts that come from the mail (subject, names, message id) were stripped of control and
 * bidirectional-override characters on import, so they can be printed to a terminal as they are.
 *
 * @param id short and sortable, such as {@code 2026-11-25-k3m9qa}: the import day (UTC) and a
 *     random suffix
 * @param state where the request stands
 * @param imported when it was imported
 * @param sender the {@code From} address, or {@code null} when the mail has none
 * @param senderName the display name of {@code From}, or {@code null}
 * @param forwardedFrom the {@code From} address of a forwarded message inside the mail, or {@code
 *     null}
 * @param sent the mail's {@code Date}, or {@code null} when missing or unreadable
 * @param messageId the mail's {@code Message-ID}, or {@code null}
 * @param messageSha256 hex SHA-256 of the mail's bytes; identifies a mail without a Message-ID
 * @param subject the decoded subject, or {@code null}
 * @param candidates the names the request may be about, normalized as the proxy normalizes them
 * @param attention why the operator should look closer (no name found, names only from mail
 *     addresses); empty when nothing stands out
 * @param token the random token the owner publishes to prove control of a name
 * @param proofs the proofs found by {@code verify}
 * @param banned the names {@code approve} added to the blocklist
 * @param forced whether {@code approve} added a name no proof covered
 * @param history what happened to the request, oldest first
 */
public record BanRequest(
    String id,
    State state,
    Instant imported,
    String sender,
    String senderName,
    String forwardedFrom,
    Instant sent,
    String messageId,
    String messageSha256,
    String subject,
    List<Candidate> candidates,
    List<String> attention,
    String token,
    List<Proof> proofs,
    List<String> banned,
    boolean forced,
    List<Event> history) {

  public BanRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(imported, "imported");
    Objects.requireNonNull(messageSha256, "messageSha256");
    Objects.requireNonNull(token, "token");
    candidates = List.copyOf(candidates);
    attention = List.copyOf(attention);
    proofs = List.copyOf(proofs);
    banned = List.copyOf(banned);
    history = List.copyOf(history);
  }

  /** The states of a request; the YAML file spells them in lower case. */
  public enum State {
    /** Imported; no proof of ownership yet. */
    PENDING,
    /** At least one name has a proof. */
    VERIFIED,
    /** The ban is in the blocklist. */
    APPROVED,
    /** The operator declined it. */
    REJECTED,
    /** The ban was approved, then removed again at the owner's request. */
    LIFTED;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the request still waits for the operator (verify, approve or reject). */
    public boolean open() {
      return this == PENDING || this == VERIFIED;
    }
  }

  /** Where a candidate name was found. */
  public enum FoundIn {
    /** The host of a link (a URL in the text, or an HTML link). */
    LINK("a link"),
    /** A bare name in the subject or the text. */
    TEXT("the text"),
    /** The domain of a mail address in the text: used only when nothing else names a site. */
    MAIL_ADDRESS("a mail address only"),
    /** Added by the operator with {@code verify --domain} or {@code approve --domain}. */
    OPERATOR("the operator");

    private final String description;

    FoundIn(String description) {
      this.description = description;
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
      return description;
    }
  }

  /**
   * A name the request may be about.
   *
   * @param name ASCII, lower case, no trailing dot: exactly what the proxy matches; or, for a site
   *     named by its IPv4 address, that address as a network of one ({@code 192.0.2.7/32})
   * @param foundIn where it was first found
   */
  public record Candidate(String name, FoundIn foundIn) {
    public Candidate {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(foundIn, "foundIn");
    }

    /** The kind of blocklist entry that bans it. */
    public RuleKind kind() {
      return kindOf(name);
    }

    /** The host part of a proof URL: the name, or the address of a one-address network. */
    public String host() {
      return hostOf(name);
    }
  }

  /**
   * The kind of entry that bans a candidate or banned name: {@link RuleKind#NETWORK} for a network
   * (written in CIDR form, such as {@code 192.0.2.7/32}, as {@code network:} entries are), else
   * {@link RuleKind#DOMAIN}.
   */
  public static RuleKind kindOf(String name) {
    return name.indexOf('/') >= 0 ? RuleKind.NETWORK : RuleKind.DOMAIN;
  }

  /**
   * The host part of the proof URL for a candidate or banned name; see {@link Candidate#host()}.
   */
  public static String hostOf(String name) {
    return kindOf(name) == RuleKind.NETWORK ? name.substring(0, name.indexOf('/')) : name;
  }

  /** The ways an owner can prove control of a name. */
  public enum Method {
    /** A TXT record {@code _exitfilter-ban.NAME} holding the token. */
    DNS_TXT(true),
    /** {@code http://NAME/.well-known/exitfilter-ban.txt} holding the token. */
    HTTP_FILE(true),
    /**
     * The request came from an address at the name (or at a parent of it). Weak: nothing stops a
     * stranger from writing any {@code From} address.
     */
    SENDER_ADDRESS(false);

    private final boolean strong;

    Method(boolean strong) {
      this.strong = strong;
    }

    public boolean strong() {
      return strong;
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * A proof found by {@code verify}.
   *
   * @param name the name it proves control of (and so of every name under it)
   * @param method how
   * @param checked when it was checked
   * @param detail what was seen, such as the TXT record's name or the URL fetched
   */
  public record Proof(String name, Method method, Instant checked, String detail) {
    public Proof {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(checked, "checked");
      Objects.requireNonNull(detail, "detail");
    }

    /** Whether this proof covers {@code target}: the same name or a name under it. */
    public boolean covers(String target) {
      return target.equals(name) || target.endsWith("." + name);
    }
  }

  /**
   * One step in the request's history.
   *
   * @param at when
   * @param action imported, verify, approved, rejected or lifted
   * @param note what the step decided or found, in words
   */
  public record Event(Instant at, String action, String note) {
    public Event {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(note, "note");
    }
  }

  /**
   * The day (UTC) the owner asked: the mail's date, or the import day when it has none or claims a
   * later one (a sender's clock, or a sender, can be wrong).
   */
  public LocalDate requestedOn() {
    Instant when = sent != null && sent.isBefore(imported) ? sent : imported;
    return LocalDate.ofInstant(when, ZoneOffset.UTC);
  }

  /** The candidate names, in the order found. */
  public List<String> names() {
    return candidates.stream().map(Candidate::name).toList();
  }

  /** The strongest proof covering {@code name}, or {@code null}. */
  public Proof proofFor(String name) {
    Proof best = null;
    for (Proof proof : proofs) {
      if (proof.covers(name)
          && (best == null || (proof.method().strong() && !best.method().strong()))) {
        best = proof;
      }
    }
    return best;
  }

  /** A builder holding this request's values, to make a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with nothing set: lists empty, not forced. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Makes a request field by field. {@link #build()} checks what the record checks; the lists are
   * copied there, so a builder can go on being used.
   */
  public static final class Builder {
    private String id;
    private State state;
    private Instant imported;
    private String sender;
    private String senderName;
    private String forwardedFrom;
    private Instant sent;
    private String messageId;
    private String messageSha256;
    private String subject;
    private List<Candidate> candidates = List.of();
    private List<String> attention = List.of();
    private String token;
    private List<Proof> proofs = List.of();
    private List<String> banned = List.of();
    private boolean forced;
    private final List<Event> history = new ArrayList<>();

    private Builder() {}

    private Builder(BanRequest r) {
      id = r.id;
      state = r.state;
      imported = r.imported;
      sender = r.sender;
      senderName = r.senderName;
      forwardedFrom = r.forwardedFrom;
      sent = r.sent;
      messageId = r.messageId;
      messageSha256 = r.messageSha256;
      subject = r.subject;
      candidates = r.candidates;
      attention = r.attention;
      token = r.token;
      proofs = r.proofs;
      banned = r.banned;
      forced = r.forced;
      history.addAll(r.history);
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder state(State state) {
      this.state = state;
      return this;
    }

    public Builder imported(Instant imported) {
      this.imported = imported;
      return this;
    }

    public Builder sender(String sender) {
      this.sender = sender;
      return this;
    }

    public Builder senderName(String senderName) {
      this.senderName = senderName;
      return this;
    }

    public Builder forwardedFrom(String forwardedFrom) {
      this.forwardedFrom = forwardedFrom;
      return this;
    }

    public Builder sent(Instant sent) {
      this.sent = sent;
      return this;
    }

    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    public Builder messageSha256(String messageSha256) {
      this.messageSha256 = messageSha256;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    public Builder candidates(List<Candidate> candidates) {
      this.candidates = candidates;
      return this;
    }

    public Builder attention(List<String> attention) {
      this.attention = attention;
      return this;
    }

    public Builder token(String token) {
      this.token = token;
      return this;
    }

    public Builder proofs(List<Proof> proofs) {
      this.proofs = proofs;
      return this;
    }

    public Builder banned(List<String> banned) {
      this.banned = banned;
      return this;
    }

    public Builder forced(boolean forced) {
      this.forced = forced;
      return this;
    }

    /** Replaces the whole history. */
    public Builder history(List<Event> history) {
      this.history.clear();
      this.history.addAll(history);
      return this;
    }

    /** Appends one event to the history. */
    public Builder event(Event event) {
      history.add(event);
      return this;
    }

    public BanRequest build() {
      return new BanRequest(
          id,
          state,
          imported,
          sender,
          senderName,
          forwardedFrom,
          sent,
          messageId,
          messageSha256,
          subject,
          candidates,
          attention,
          token,
          proofs,
          banned,
          forced,
          history);
    }
  }
}
