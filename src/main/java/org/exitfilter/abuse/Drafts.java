package org.exitfilter.abuse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drafts the forward to the provider and the feedback to the ISP (or the complainant), in German or
 * English after the complaint, from the Mustache templates of {@link DraftTemplates} ({@code
 * forward.LANG.txt}, {@code feedback.LANG.txt}; the operator's files of the same names in {@code
 * abuse/templates/} win). Legal and unreadable mail get no draft.
 */
final class Drafts {
  private final DraftTemplates templates;
  private final String mailbox;
  private final List<String> addresses;

  Drafts(Path overrides, String mailbox, List<String> addresses) {
    this.templates = new DraftTemplates(overrides);
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
    // null is empty in text and false in a section ({{#cc}}...{{/cc}}), so a template can leave
    // out what does not apply.
    Map<String, String> values = new HashMap<>();
    values.put("provider-host", c.providerHost());
    values.put("reported-address", c.reportedAddress());
    values.put("reported-at", c.reportedAt() == null ? null : c.reportedAt().toString());
    values.put("isp-ticket", c.ispTicket());
    values.put("cc", c.cc());
    values.put("subject", c.subject());
    values.put("mailbox", mailbox);
    values.put("ban-candidate", c.banCandidate());
    values.put("finding", finding);
    DraftTemplates.Rendered text = templates.render(name, values);
    try {
      return new Draft(to, cc, text.subject(), text.body(), attach);
    } catch (IllegalArgumentException e) {
      throw new IOException("case " + c.id() + ": " + e.getMessage(), e);
    }
  }
}
