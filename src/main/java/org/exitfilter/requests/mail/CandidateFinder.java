package org.exitfilter.requests.mail;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.net.UrlAuthority;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.FoundIn;

/**
 * Finds the names a request mail is about: the hosts of links, then bare names such as {@code
 * forum.example.org}, each normalized with {@link HostParser} exactly as the proxy normalizes a
 * destination (case, trailing dot, Unicode names to their ASCII form). The domains of mail
 * addresses count only when nothing else names a site: a signature's address is rarely the site
 * meant.
 *
 * <p>Prose is full of things shaped like names ({@code e.g.}, {@code report.pdf}); a bare name
 * needs at least two labels and a last label of letters (or an IDN one), and is not one of the
 * common file extensions. Whatever slips through is only a candidate: nothing is banned without the
 * operator naming it or a proof covering it.
 *
 * <p>A link to an IPv4 address ({@code http://192.0.2.7/}) names a site too: it becomes a candidate
 * for a {@code network:} entry of that one address ({@code 192.0.2.7/32}). Left out are lines of
 * quoted reply text (starting with {@code >}; quoted HTML is left out by {@link HtmlText}), and
 * names in the operator's own domain: the domain of each {@code To} address and every name under
 * it.
 */
public final class CandidateFinder {
  /**
   * More names than this in one mail is a list, not a request; the rest is left to the operator.
   */
  static final int MAX_CANDIDATES = 20;

  private static final String LETTERS = "\\p{L}\\p{M}\\p{N}";
  private static final String LABEL =
      "[\\p{L}\\p{N}](?:[" + LETTERS + "-]{0,62}[" + LETTERS + "])?";

  /** The full stops UTS #46 maps to '.': ASCII, ideographic, fullwidth and halfwidth. */
  private static final String DOT = "[.\\u3002\\uFF0E\\uFF61]";

  private static final String NAME = "(?:" + LABEL + DOT + ")+" + LABEL;

  private static final Pattern LINK =
      Pattern.compile(
          "(?i)(?<![" + LETTERS + "])(?:https?|ftp)://([^\\s/?#<>\"'`()\\[\\]{}\\\\|^,;]+)");

  /**
   * A name not glued to a mail address, a path, a URL's host (links are found above) or a longer
   * word; a sentence's final dot is fine.
   */
  private static final Pattern BARE_NAME =
      Pattern.compile(
          "(?<!["
              + LETTERS
              + "@._%+\\-/\\\\=&?#~])("
              + NAME
              + ")(?!["
              + LETTERS
              + "@_\\-]|"
              + DOT
              + "["
              + LETTERS
              + "])");

  private static final Pattern MAIL_ADDRESS =
      Pattern.compile("(?<![" + LETTERS + "._%+\\-])[" + LETTERS + "._%+\\-]+@(" + NAME + ")");

  private static final Pattern TOP_LABEL = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");

  /** Ends of file names that look like names; a real TLD among them (.zip) rarely names a site. */
  private static final Set<String> FILE_EXTENSIONS =
      Set.of(
          "txt", "htm", "html", "xhtml", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp", "ico",
          "eml", "msg", "yaml", "yml", "json", "xml", "csv", "log", "zip", "gz", "tgz", "rar",
          "exe", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "js", "css", "php", "asp",
          "aspx", "jsp", "cgi", "conf", "cfg", "ini", "bak", "tmp", "java", "py", "sh", "md", "mov",
          "mp4", "mp3", "wav", "avi");

  private CandidateFinder() {}

  /** The candidates and what deserves the operator's attention. */
  public record Found(List<Candidate> candidates, List<String> attention) {}

  /**
   * The sites {@code mail} asks about, in the order they first appear, at most {@link
   * #MAX_CANDIDATES}; never throws for any mail. This signature is the entry point the fuzz test
   * drives: keep it stable.
   */
  public static Found find(Mail mail) {
    Map<String, FoundIn> names = new LinkedHashMap<>();
    Map<String, FoundIn> addressDomains = new LinkedHashMap<>();
    List<String> ownDomains = ownDomains(mail.recipients());
    for (String mailText : mail.texts()) {
      String text = withoutQuotedLines(mailText);
      // Links and bare names together, in the order they appear in the text.
      TreeMap<Integer, Map.Entry<String, FoundIn>> found = new TreeMap<>();
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String name = linkHost(link.group(1));
        if (name != null && !isUnder(name, ownDomains)) {
          found.put(link.start(), Map.entry(name, FoundIn.LINK));
        }
      }
      Matcher bare = BARE_NAME.matcher(text);
      while (bare.find()) {
        String name = normalize(bare.group(1));
        if (name != null && plausibleBareName(name) && !isUnder(name, ownDomains)) {
          found.putIfAbsent(bare.start(), Map.entry(name, FoundIn.TEXT));
        }
      }
      for (Map.Entry<String, FoundIn> entry : found.values()) {
        // A name seen as a link anywhere counts as found in a link.
        names.merge(entry.getKey(), entry.getValue(), (a, b) -> a == FoundIn.LINK ? a : b);
      }
      Matcher address = MAIL_ADDRESS.matcher(text);
      while (address.find()) {
        String domain = normalize(address.group(1));
        if (domain != null && !isUnder(domain, ownDomains)) {
          addressDomains.putIfAbsent(domain, FoundIn.MAIL_ADDRESS);
        }
      }
    }
    List<String> attention = new ArrayList<>();
    if (names.isEmpty() && !addressDomains.isEmpty()) {
      names = addressDomains;
      attention.add(
          "no site is named; the names come from mail addresses in the message only: make sure"
              + " which site is meant");
    }
    if (names.isEmpty()) {
      attention.add(
          "no site is named in the message: find out which one is meant, then"
              + " verify ID --domain NAME");
    }
    List<Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, FoundIn> entry : names.entrySet()) {
      if (candidates.size() == MAX_CANDIDATES) {
        attention.add(
            "the message names more than " + MAX_CANDIDATES + " sites; only the first are listed");
        break;
      }
      candidates.add(new Candidate(entry.getKey(), entry.getValue()));
    }
    return new Found(candidates, attention);
  }

  /**
   * The site a link's authority names: its host (userinfo, port and trailing punctuation left out)
   * as a name, or as a network of one address for an IPv4 address; {@code null} for anything else.
   */
  private static String linkHost(String authority) {
    return site(UrlAuthority.hostText(authority.replaceAll("[.,:!?'\"]+$", "")));
  }

  /** A name as {@link #normalize} gives it, or an IPv4 address as its {@code /32} network. */
  private static String site(String host) {
    try {
      if (HostParser.parse(host) instanceof Host.Ip ip && ip.address() instanceof Inet4Address) {
        return new IpNetwork(ip.address(), 32).toString();
      }
    } catch (InvalidHostException e) {
      return null;
    }
    return normalize(host);
  }

  /** The text without the lines a reply quotes: those starting with {@code >}. */
  private static String withoutQuotedLines(String text) {
    if (text.indexOf('>') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("\n", -1)) {
      if (!line.stripLeading().startsWith(">")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** The domains of the mail's own {@code To} addresses: the operator's. */
  private static List<String> ownDomains(List<String> recipients) {
    List<String> domains = new ArrayList<>();
    for (String address : recipients) {
      String domain = normalize(address.substring(address.lastIndexOf('@') + 1));
      if (domain != null && !domains.contains(domain)) {
        domains.add(domain);
      }
    }
    return domains;
  }

  /** Whether {@code name} is one of {@code domains} or a name under one. */
  private static boolean isUnder(String name, List<String> domains) {
    for (String domain : domains) {
      if (name.equals(domain) || name.endsWith("." + domain)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name as the proxy would match it, or {@code null} for IP literals, single labels and
   * anything the proxy would refuse to parse.
   */
  public static String normalize(String raw) {
    try {
      Host host = HostParser.parse(raw);
      if (host instanceof Host.Name name && name.ascii().indexOf('.') > 0) {
        return name.ascii();
      }
    } catch (InvalidHostException e) {
      // Not a name, so not a candidate.
    }
    return null;
  }

  private static boolean plausibleBareName(String ascii) {
    String top = ascii.substring(ascii.lastIndexOf('.') + 1);
    return TOP_LABEL.matcher(top).matches() && !FILE_EXTENSIONS.contains(top);
  }
}
