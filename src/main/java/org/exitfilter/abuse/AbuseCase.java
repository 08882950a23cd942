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

  AbuseCase withState(String newState, String newNote, List<String> newSent) {
    return new AbuseCase(
        id,
        messageId,
        newState,
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
        newSent,
        newNote,
        banRequest);
  }

  AbuseCase withBanRequest(String requestId) {
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
        requestId);
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
    return new AbuseCase(
        (String) m.get("id"),
        (String) m.get("message-id"),
        (String) m.get("state"),
        instant(m.get("deadline")),
        Kind.ofWire((String) m.get("kind")),
        Format.ofWire((String) m.get("format")),
        (String) m.get("reported-address"),
        (Boolean) m.get("ours"),
        instant(m.get("reported-at")),
        (String) m.get("provider-host"),
        (String) m.get("forward-to"),
        (String) m.get("contact-source"),
        (String) m.get("cc"),
        (String) m.get("isp-ticket"),
        (String) m.get("ban-candidate"),
        (String) m.get("subject"),
        (String) m.get("complainant"),
        (String) m.get("language"),
        sentList == null ? List.of() : (List<String>) sentList,
        (String) m.get("note"),
        (String) m.get("ban-request"));
  }

  private static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Instant instant(Object text) {
    return text == null ? null : Instant.parse((String) text);
  }
}
