package org.exitfilter.abuse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drafts the forward to the provider and the feedback to the ISP (or the complainant), in German or
 * English after the complaint. The templates are the built-in {@code forward.LANG.txt} and {@code
 * feedback.LANG.txt}, or the operator's files of the same names in {@code abuse/templates/}: a
 * {@code Subject:} line, a blank line, then the text, with {@code {{key}}} placeholders. Legal and
 * unreadable mail get no draft.
 */
final class Drafts {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z-]+)}}");

  private final Path overrides;
  private final String mailbox;
  private final List<String> addresses;

  Drafts(Path overrides, String mailbox, List<String> addresses) {
    this.overrides = overrides;
    this.mailbox = mailbox;
    this.addresses = addresses;
  }

  /** The drafts for a case, the forward first; none for legal or unreadable mail. */
  List<Draft> of(AbuseCase c) throws IOException {
    List<Draft> out = new ArrayList<>();
    if (c.kind() == Kind.LEGAL || c.state().equals("needs-attention")) {
      return out;
    }
    String lang = "de".equals(c.language()) ? "de" : "en";
    boolean forward =
        c.kind() == Kind.SPAM
            && Boolean.TRUE.equals(c.ours())
            && c.providerHost() != null
            && c.forwardTo() != null;
    if (forward) {
      out.add(draft("forward." + lang + ".txt", c, c.forwardTo(), c.cc(), true, null));
    }
    String replyTo = c.cc() != null ? c.cc() : c.complainant();
    if (replyTo != null) {
      out.add(draft("feedback." + lang + ".txt", c, replyTo, null, false, finding(c, lang)));
    }
    return out;
  }

  private String finding(AbuseCase c, String lang) {
    boolean de = lang.equals("de");
    String ours = String.join(", ", addresses);
    if (c.reportedAddress() == null) {
      return de
          ? "Die Beschwerde nennt keine Adresse; unsere Ausgänge sind " + ours + "."
          : "The complaint names no address; our exits are " + ours + ".";
    }
    if (!Boolean.TRUE.equals(c.ours())) {
      return de
          ? "Die Adresse "
              + c.reportedAddress()
              + " gehört nicht zu uns (unsere Ausgänge: "
              + ours
              + "); wir leiten die Beschwerde daher nicht weiter."
          : "The address "
              + c.reportedAddress()
              + " is not ours (our exits: "
              + ours
              + "), so we do not forward the complaint.";
    }
    if (c.kind() == Kind.SPAM && c.forwardTo() != null && c.providerHost() != null) {
      return de
          ? "Die Mail wurde über "
              + c.providerHost()
              + " versandt; wir haben die Beschwerde an "
              + c.forwardTo()
              + " weitergeleitet und um Löschung des Kontos gebeten."
          : "The mail was sent through "
              + c.providerHost()
              + "; we forwarded the complaint to "
              + c.forwardTo()
              + " and asked them to delete the account.";
    }
    if (c.banCandidate() != null) {
      return de
          ? "Wir können "
              + c.banCandidate()
              + " für alle Nutzer unseres Ausgangs sperren, wenn der Betreiber das wünscht."
          : "We can block "
              + c.banCandidate()
              + " for every user of our exit if its owner wishes so.";
    }
    return de ? "Wir haben die Beschwerde geprüft." : "We have looked into the complaint.";
  }

  private Draft draft(
      String name, AbuseCase c, String to, String cc, boolean attach, String finding)
      throws IOException {
    String template = template(name).replace("\r\n", "\n");
    Map<String, String> values = new java.util.HashMap<>();
    values.put("provider-host", orEmpty(c.providerHost()));
    values.put("reported-address", orEmpty(c.reportedAddress()));
    values.put("reported-at", c.reportedAt() == null ? "" : c.reportedAt().toString());
    values.put("isp-ticket", orEmpty(c.ispTicket()));
    values.put("cc", orEmpty(c.cc()));
    values.put("subject", orEmpty(c.subject()));
    values.put("mailbox", mailbox);
    values.put("ban-candidate", orEmpty(c.banCandidate()));
    values.put("finding", orEmpty(finding));
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder filled = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          filled, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
    }
    m.appendTail(filled);
    String text = filled.toString();
    String subject = "";
    if (text.startsWith("Subject:")) {
      int end = text.indexOf('\n');
      subject = text.substring("Subject:".length(), end < 0 ? text.length() : end).trim();
      text = end < 0 ? "" : text.substring(end + 1).replaceFirst("^\n", "");
    }
    return new Draft(to, cc, subject.replaceAll("\\s+", " ").trim(), text, attach);
  }

  private String template(String name) throws IOException {
    Path own = overrides.resolve(name);
    if (Files.isRegularFile(own)) {
      return Files.readString(own, StandardCharsets.UTF_8);
    }
    try (InputStream in = Drafts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("built-in template " + name + " missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
