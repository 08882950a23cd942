package org.exitfilter.requests;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.exitfilter.config.RuleKind;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.Proof;
import org.exitfilter.requests.verify.Verifier;

/** How requests read on the terminal: one line in a list, the full record, the reply to send. */
final class RequestText {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private RequestText() {}

  /** {@code ID STATE SENDER NAMES next step}, for {@code list}. */
  static String summary(BanRequest r) {
    List<String> names = r.names();
    String shown =
        names.isEmpty()
            ? "(no site named)"
            : names.size() <= 3
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " +" + (names.size() - 3);
    return String.format(
        Locale.ROOT,
        "%-18s %-9s %-32s %s%n%18s %s",
        r.id(),
        r.state().key(),
        r.sender() == null ? "(no sender)" : r.sender(),
        shown,
        "",
        next(r));
  }

  /** What the operator does next, and why the request waits. */
  static String next(BanRequest r) {
    return switch (r.state()) {
      case PENDING ->
          r.candidates().isEmpty()
              ? "needs attention: no site named; find out which, then verify "
                  + r.id()
                  + " --domain NAME (or reject)"
              : (r.attention().isEmpty() ? "" : "needs attention; ")
                  + "waits for a proof: send the reply (show "
                  + r.id()
                  + "), then verify "
                  + r.id();
      case VERIFIED -> {
        boolean strong = r.proofs().stream().anyMatch(p -> p.method().strong());
        yield strong
            ? "verified: approve " + r.id()
            : "verified by sender address only (weak): approve "
                + r.id()
                + ", or ask for the DNS or HTTP proof";
      }
      case APPROVED -> "banned: " + String.join(", ", r.banned());
      case REJECTED, LIFTED -> "closed";
    };
  }

  /** The whole request, for {@code show}. */
  static String describe(BanRequest r) {
    StringBuilder out = new StringBuilder();
    out.append("request ").append(r.id()).append(": ").append(r.state().key()).append('\n');
    field(out, "from", from(r));
    field(
        out, "forwarded", r.forwardedFrom() == null ? null : "original from " + r.forwardedFrom());
    field(out, "sent", r.sent() == null ? "(no date)" : MINUTES.format(r.sent()));
    field(out, "subject", r.subject() == null ? "(none)" : r.subject());
    field(out, "message-id", r.messageId());
    field(out, "imported", MINUTES.format(r.imported()));
    if (r.candidates().isEmpty()) {
      field(out, "names", "(none found)");
    }
    for (int i = 0; i < r.candidates().size(); i++) {
      Candidate c = r.candidates().get(i);
      field(out, i == 0 ? "names" : "", c.name() + "  (from " + c.foundIn().description() + ")");
    }
    for (int i = 0; i < r.attention().size(); i++) {
      field(out, i == 0 ? "attention" : "", r.attention().get(i));
    }
    field(out, "token", r.token());
    if (r.proofs().isEmpty()) {
      field(out, "proofs", "none yet");
    }
    for (int i = 0; i < r.proofs().size(); i++) {
      Proof p = r.proofs().get(i);
      field(
          out,
          i == 0 ? "proofs" : "",
          p.name()
              + " by "
              + p.method().key()
              + (p.method().strong() ? "" : " (weak)")
              + ": "
              + p.detail()
              + " ("
              + MINUTES.format(p.checked())
              + ")");
    }
    if (!r.banned().isEmpty()) {
      field(out, "banned", String.join(", ", r.banned()) + (r.forced() ? " (forced)" : ""));
    }
    out.append("  history:\n");
    for (Event e : r.history()) {
      out.append("    ")
          .append(MINUTES.format(e.at()))
          .append("  ")
          .append(e.action())
          .append(": ")
          .append(e.note())
          .append('\n');
    }
    field(out, "next", next(r));
    return out.toString();
  }

  private static String from(BanRequest r) {
    if (r.sender() == null) {
      return "(no sender address)";
    }
    return r.senderName() == null ? r.sender() : r.senderName() + " <" + r.sender() + ">";
  }

  private static void field(StringBuilder out, String label, String value) {
    if (value != null) {
      out.append(
          String.format(Locale.ROOT, "  %-11s %s%n", label.isEmpty() ? "" : label + ":", value));
    }
  }

  /**
   * The reply to send the requester: the token and the three ways to prove control of each name,
   * the weak one labelled as such. Meant to be copied into a mail as it is.
   */
  static String reply(BanRequest r) {
    List<String> names = r.names();
    String subject = r.subject() == null ? "Your request" : r.subject();
    if (!subject.regionMatches(true, 0, "Re:", 0, 3)) {
      subject = "Re: " + subject;
    }
    StringBuilder out = new StringBuilder();
    if (r.sender() != null) {
      out.append("To: ").append(r.sender()).append('\n');
    }
    out.append("Subject: ").append(subject).append(" [exitfilter ").append(r.id()).append("]\n\n");
    out.append("Hello,\n\n");
    if (names.isEmpty()) {
      out.append(
          "we received your request to block a site from our exit, but could not tell which site\n"
              + "you mean. Please reply with its name (such as example.org), and prove that you\n"
              + "control it in one of the ways below, writing the name in place of NAME.\n\n");
      names = List.of("NAME");
    } else {
      out.append("we received your request to make ")
          .append(String.join(", ", names))
          .append(" unreachable from our exit.\n")
          .append(
              "Before we block a site we ask its owner to show that they control it, so that"
                  + " nobody\n"
                  + "can have someone else's site blocked. One of these is enough:\n\n");
    }
    // An address has no name for a TXT record and no mail domain: only the web proof fits it.
    List<String> domains =
        names.stream().filter(n -> BanRequest.kindOf(n) == RuleKind.DOMAIN).toList();
    int step = 1;
    if (!domains.isEmpty()) {
      out.append(step++).append(". DNS: publish this TXT record\n");
      for (String name : domains) {
        out.append("     ")
            .append(Verifier.DNS_PREFIX)
            .append(name)
            .append(".  IN  TXT  \"")
            .append(r.token())
            .append("\"\n");
      }
      out.append('\n');
    }
    out.append(step++)
        .append(". Web: serve a plain text file containing\n     ")
        .append(r.token())
        .append("\n   at\n");
    for (String name : names) {
      out.append("     http://")
          .append(BanRequest.hostOf(name))
          .append(Verifier.WELL_KNOWN_PATH)
          .append('\n');
    }
    out.append('\n');
    if (!domains.isEmpty()) {
      out.append(step)
          .append(". Or write to us from an address at ")
          .append(domains.size() == 1 ? domains.get(0) : "the site's domain")
          .append(" (such as webmaster@")
          .append(domains.get(0))
          .append(").\n")
          .append(
              "   This is weaker evidence, since the sender of a mail is easy to forge, and we may\n"
                  + "   ask for one of the other two.\n\n");
    }
    out.append("Then reply to this message and keep \"[exitfilter ")
        .append(r.id())
        .append("]\" in the subject.\n")
        .append("Once we have checked, you may remove the record or the file again.\n");
    return out.toString();
  }

  static String time(Instant instant) {
    return MINUTES.format(instant);
  }
}
