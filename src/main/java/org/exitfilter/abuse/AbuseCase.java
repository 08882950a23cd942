package org.exitfilter.abuse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One case of the desk, as kept in {@code abuse/ID.yaml} beside {@code abuse/ID.eml}.
 *
 * @param state {@code open}, {@code needs-operator} (legal mail), {@code needs-attention}
 *     (unreadable mail), {@code sent} or {@code closed}
 * @param ours whether {@code reportedAddress} is one of the exit's; {@code null} without one
 * @param forwardTo the provider's abuse address, or {@code null}
 * @param contactSource where {@code forwardTo} came from ({@code rdap}, {@code rfc2142}), or null
 * @param sent what was sent, one line per mail
 * @param note the problem, the advice for legal mail, or the reason given at close
 * @param banRequest the id of the ban request made from this case ({@code requests/}), or null
 */
public record AbuseCase(
    String id,
    String messageId,
    String state,
    Instant deadline,
    Kind kind,
    Format format,
    String reportedAddress,
    Boolean ours,
    Instant reportedAt,
    String providerHost,
    String forwardTo,
    String contactSource,
    String cc,
    String ispTicket,
    String banCandidate,
    String subject,
    String complainant,
    String language,
    List<String> sent,
    String note,
    String banRequest) {

  public AbuseCase {
    sent = List.copyOf(sent);
  }

  /** A builder holding this case's values, to make a changed copy. */
  Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with nothing set and nothing sent. */
  static Builder builder() {
    return new Builder();
  }

  /** Exactly the keys of {@code --json}, in the order; keys that do not apply are null. */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("message-id", messageId);
    m.put("state", state);
    m.put("deadline", iso(deadline));
    m.put("kind", kind.wire());
    m.put("format", format.wire());
    m.put("reported-address", reportedAddress);
    m.put("ours", ours);
    m.put("reported-at", iso(reportedAt));
    m.put("provider-host", providerHost);
    m.put("forward-to", forwardTo);
    m.put("cc", cc);
    m.put("isp-ticket", ispTicket);
    m.put("ban-candidate", banCandidate);
    return m;
  }

  /** Everything, for the case file. */
  Map<String, Object> file() {
    Map<String, Object> m = json();
    m.put("contact-source", contactSource);
    m.put("subject", subject);
    m.put("complainant", complainant);
    m.put("language", language);
    m.put("sent", sent);
    m.put("note", note);
    m.put("ban-request", banRequest);
    return m;
  }

  @SuppressWarnings("unchecked")
  static AbuseCase fromFile(Map<String, Object> m) {
    Object sentList = m.get("sent");
    return builder()
        .id((String) m.get("id"))
        .messageId((String) m.get("message-id"))
        .state((String) m.get("state"))
        .deadline(instant(m.get("deadline")))
        .kind(Kind.ofWire((String) m.get("kind")))
        .format(Format.ofWire((String) m.get("format")))
        .reportedAddress((String) m.get("reported-address"))
        .ours((Boolean) m.get("ours"))
        .reportedAt(instant(m.get("reported-at")))
        .providerHost((String) m.get("provider-host"))
        .forwardTo((String) m.get("forward-to"))
        .contactSource((String) m.get("contact-source"))
        .cc((String) m.get("cc"))
        .ispTicket((String) m.get("isp-ticket"))
        .banCandidate((String) m.get("ban-candidate"))
        .subject((String) m.get("subject"))
        .complainant((String) m.get("complainant"))
        .language((String) m.get("language"))
        .sent(sentList == null ? List.of() : (List<String>) sentList)
        .note((String) m.get("note"))
        .banRequest((String) m.get("ban-request"))
        .build();
  }

  private static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Instant instant(Object text) {
    return text == null ? null : Instant.parse((String) text);
  }

  /**
   * Makes a case field by field, or a changed copy of one ({@link #toBuilder()}); {@link #build()}
   * copies the list of what was sent, so a builder can go on being used.
   */
  static final class Builder {
    private String id;
    private String messageId;
    private String state;
    private Instant deadline;
    private Kind kind;
    private Format format;
    private String reportedAddress;
    private Boolean ours;
    private Instant reportedAt;
    private String providerHost;
    private String forwardTo;
    private String contactSource;
    private String cc;
    private String ispTicket;
    private String banCandidate;
    private String subject;
    private String complainant;
    private String language;
    private List<String> sent = List.of();
    private String note;
    private String banRequest;

    private Builder() {}

    private Builder(AbuseCase c) {
      id = c.id;
      messageId = c.messageId;
      state = c.state;
      deadline = c.deadline;
      kind = c.kind;
      format = c.format;
      reportedAddress = c.reportedAddress;
      ours = c.ours;
      reportedAt = c.reportedAt;
      providerHost = c.providerHost;
      forwardTo = c.forwardTo;
      contactSource = c.contactSource;
      cc = c.cc;
      ispTicket = c.ispTicket;
      banCandidate = c.banCandidate;
      subject = c.subject;
      complainant = c.complainant;
      language = c.language;
      sent = c.sent;
      note = c.note;
      banRequest = c.banRequest;
    }

    Builder id(String id) {
      this.id = id;
      return this;
    }

    Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    Builder state(String state) {
      this.state = state;
      return this;
    }

    Builder deadline(Instant deadline) {
      this.deadline = deadline;
      return this;
    }

    Builder kind(Kind kind) {
      this.kind = kind;
      return this;
    }

    Builder format(Format format) {
      this.format = format;
      return this;
    }

    Builder reportedAddress(String reportedAddress) {
      this.reportedAddress = reportedAddress;
      return this;
    }

    Builder ours(Boolean ours) {
      this.ours = ours;
      return this;
    }

    Builder reportedAt(Instant reportedAt) {
      this.reportedAt = reportedAt;
      return this;
    }

    Builder providerHost(String providerHost) {
      this.providerHost = providerHost;
      return this;
    }

    Builder forwardTo(String forwardTo) {
      this.forwardTo = forwardTo;
      return this;
    }

    Builder contactSource(String contactSource) {
      this.contactSource = contactSource;
      return this;
    }

    Builder cc(String cc) {
      this.cc = cc;
      return this;
    }

    Builder ispTicket(String ispTicket) {
      this.ispTicket = ispTicket;
      return this;
    }

    Builder banCandidate(String banCandidate) {
      this.banCandidate = banCandidate;
      return this;
    }

    Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    Builder complainant(String complainant) {
      this.complainant = complainant;
      return this;
    }

    Builder language(String language) {
      this.language = language;
      return this;
    }

    Builder sent(List<String> sent) {
      this.sent = sent;
      return this;
    }

    Builder note(String note) {
      this.note = note;
      return this;
    }

    Builder banRequest(String banRequest) {
      this.banRequest = banRequest;
      return this;
    }

    AbuseCase build() {
      return new AbuseCase(
          id,
          messageId,
          state,
          deadline,
          kind,
          format,
          reportedAddress,
          ours,
          reportedAt,
          providerHost,
          forwardTo,
          contactSource,
          cc,
          ispTicket,
          banCandidate,
          subject,
          complainant,
          language,
          sent,
          note,
          banRequest);
    }
  }
}
