package org.exitfilter.abuse;

/**
 * What a complaint is about, and in which language it is written: from an ARF {@code
 * Feedback-Type}, an X-ARF report type, or else keywords in the prose. Lists of words, no model:
 * the operator sees every case, and a wrong kind costs a look, while a legal inquiry taken for
 * something else could cost an automatic answer, so legal words are checked first.
 */
final class ComplaintKinds {
  private ComplaintKinds() {}

  /** The kind of an ARF report's {@code Feedback-Type}, lower case. */
  static Kind arf(String type) {
    return switch (type) {
      case "abuse", "fraud" -> Kind.SPAM;
      default -> Kind.OTHER;
    };
  }

  /** The kind of an X-ARF report type, lower case. */
  static Kind xarf(String type) {
    if (type.contains("spam")) {
      return Kind.SPAM;
    }
    if (type.contains("login") || type.contains("brute")) {
      return Kind.BRUTE_FORCE;
    }
    if (type.contains("copyright") || type.contains("dmca")) {
      return Kind.COPYRIGHT;
    }
    return Kind.OTHER;
  }

  /** Order matters: a police inquiry about spam is legal mail first. */
  static Kind byKeywords(String lower, boolean hasOriginal) {
    if (containsAny(
        lower,
        "polizei",
        "staatsanwaltschaft",
        "police",
        "prosecutor",
        "law enforcement",
        "subpoena",
        "court order",
        "ermittlungsverfahren",
        "auskunftsersuchen",
        "gerichtsbeschluss")) {
      return Kind.LEGAL;
    }
    if (containsAny(lower, "copyright", "dmca", "urheberrecht", "infringement")) {
      return Kind.COPYRIGHT;
    }
    if (containsAny(
        lower, "dnsbl", "blacklisted", "is listed", "listed in", "listed on", "gelistet")) {
      return Kind.DNSBL_LISTING;
    }
    if (containsAny(
        lower,
        "block anonymous",
        "stop anonymous",
        "ban our",
        "block access",
        "anonyme zugriffe",
        "anonymen zugriff",
        "bitte sperren",
        "sperren sie")) {
      return Kind.BAN_REQUEST;
    }
    if (containsAny(
        lower, "brute", "login attempts", "failed login", "anmeldeversuche", "password guessing")) {
      return Kind.BRUTE_FORCE;
    }
    if (hasOriginal || containsAny(lower, "spam", "unsolicited", "unerwünscht")) {
      return Kind.SPAM;
    }
    return Kind.OTHER;
  }

  private static boolean containsAny(String text, String... words) {
    for (String word : words) {
      if (text.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the prose, lower case, has more German than English small words. */
  static boolean isGerman(String lower) {
    int de =
        count(
            lower,
            " und ",
            " der ",
            " die ",
            " das ",
            " nicht ",
            " wir ",
            " ihre ",
            " ihr ",
            "sehr geehrte",
            " bitte ");
    int en = count(lower, " and ", " the ", " not ", " we ", " your ", " please ", "dear ");
    return de > en;
  }

  private static int count(String text, String... words) {
    int n = 0;
    for (String word : words) {
      for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
        n++;
      }
    }
    return n;
  }
}
