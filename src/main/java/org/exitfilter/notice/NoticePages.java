package org.exitfilter.notice;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exitfilter.config.NoticeConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.net.Host;
import org.exitfilter.notice.NoticeTemplates.Page;

/**
 * What each path of the notice shows, independent of HTTP: the scopes the templates render, and the
 * plain-text and JSON documents. Holds the configuration and the current templates; reads the bans
 * in force per request.
 */
final class NoticePages {
  static final int PAGE_SIZE = 500;
  private static final Map<String, String> LANGUAGE_NAMES =
      Map.of("en", "English", "de", "Deutsch", "fr", "Français", "nl", "Nederlands");

  private final NoticeConfig config;
  private final Languages languages;
  private final PublishedBans bans;
  private final Clock clock;
  private final byte[] pgpKey;
  private volatile NoticeTemplates templates;

  /** The first listen address as bound (the actual port when configured as 0). */
  private volatile InetSocketAddress firstListener;

  NoticePages(NoticeConfig config, NoticeTemplates templates, PublishedBans bans, Clock clock)
      throws java.io.IOException {
    this.config = config;
    this.languages = new Languages(config.languages());
    this.templates = templates;
    this.bans = bans;
    this.clock = clock;
    this.pgpKey = config.pgpKey() == null ? null : Files.readAllBytes(config.pgpKey());
  }

  void bound(InetSocketAddress first) {
    firstListener = first;
  }

  Languages languages() {
    return languages;
  }

  void replaceTemplates(NoticeTemplates newTemplates) {
    templates = newTemplates;
  }

  NoticeTemplates templates() {
    return templates;
  }

  byte[] pgpKey() {
    return pgpKey;
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  BanList.View bansInForce() {
    return bans.get().on(today());
  }

  /** An ETag for what {@code /bans.json} shows now. */
  String bansTag() {
    return "\""
        + bans.get().fingerprint()
        + "-"
        + today()
        + (config.publishRequesters() ? "-r" : "")
        + "\"";
  }

  String operator() {
    return config.operator();
  }

  boolean publishRequesters() {
    return config.publishRequesters();
  }

  String index(String lang, String path, InetSocketAddress local) {
    return index(lang, path, addressText(local.getAddress()), "");
  }

  /**
   * The notice as the proxy's listener shows it: the address named is the exit's first outgoing
   * one, and the links to the other pages lead to the notice's own listener ({@link #publicBase}).
   */
  String indexForProxy(String lang) {
    return index(lang, "/", addressText(config.addresses().get(0)), publicBase());
  }

  private String index(String lang, String path, String host, String base) {
    Map<String, Object> scope = common(lang, path);
    scope.put("host", host);
    scope.put("base", base);
    return templates.render(Page.INDEX, lang, scope);
  }

  /**
   * The language of the block page for a visitor: the notice's choice when a block page template
   * exists in it, else the first served language that has one; {@code null} when none has.
   */
  String blockedLanguage(String acceptLanguage) {
    NoticeTemplates current = templates;
    String lang = languages.choose(null, acceptLanguage);
    if (current.has(Page.BLOCKED, lang)) {
      return lang;
    }
    return languages.served().stream()
        .filter(l -> current.has(Page.BLOCKED, l))
        .findFirst()
        .orElse(null);
  }

  /**
   * The block page for {@code host}, refused by {@code rule}: its reason, and a link to its row on
   * the notice's {@code /bans} ({@code /bans?q=NAME#KIND-NAME}) when the rule is known. Nothing
   * else about the list or its other entries.
   */
  String blocked(String lang, String host, Rule rule) {
    Map<String, Object> scope = common(lang, "/");
    String base = publicBase();
    scope.put("host", host);
    scope.put("reason", rule == null ? null : rule.reason());
    scope.put(
        "entry",
        rule == null
            ? null
            : base
                + "/bans?q="
                + URLEncoder.encode(rule.value(), StandardCharsets.UTF_8)
                + "#"
                + anchor(rule));
    scope.put("notice", base + "/?lang=" + lang);
    return templates.render(Page.BLOCKED, lang, scope);
  }

  String requestABan(String lang, String path) {
    Map<String, Object> scope = common(lang, path);
    String subject = "de".equals(lang) ? "Sperre beantragen" : "Ban request";
    String body = "de".equals(lang) ? "Website: \nGrund: \n" : "Site: \nReason: \n";
    scope.put(
        "mailto",
        "mailto:"
            + config.contact()
            + "?subject="
            + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20")
            + "&body="
            + URLEncoder.encode(body, StandardCharsets.UTF_8).replace("+", "%20"));
    return templates.render(Page.REQUEST_A_BAN, lang, scope);
  }

  /**
   * A page of the bans in force: {@value #PAGE_SIZE} entries, the {@code page}-th (from 1), of all
   * or of those whose name contains {@code query}.
   */
  String bans(String lang, String query, int requestedPage) {
    int page = requestedPage;
    Map<String, Object> scope = common(lang, "/bans");
    BanList.View view = bansInForce();
    String q = normalizeQuery(query);
    BanList.Matches matches = select(view, q, page);
    int total = matches.total();
    int pages = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    if (page > pages) {
      // past the end: the last page
      page = pages;
      matches = select(view, q, page);
    }
    int skip = (page - 1) * PAGE_SIZE;
    List<Integer> positions = matches.positions();
    List<Map<String, Object>> entries = new ArrayList<>(positions.size());
    for (int position : positions) {
      entries.add(entry(view.get(position).rule()));
    }
    scope.put("query", query == null ? "" : query);
    scope.put("total", total);
    scope.put("found", total > 0);
    scope.put("hasEntries", !entries.isEmpty());
    scope.put("entries", entries);
    scope.put("from", entries.isEmpty() ? 0 : skip + 1);
    scope.put("to", skip + entries.size());
    scope.put("page", page);
    scope.put("pages", pages > 1 ? pages : null);
    scope.put("publishRequesters", config.publishRequesters());
    List<BanList.Count> counts = view.counts();
    scope.put("shared", counts.size() > 1);
    List<Map<String, Object>> sources = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      BanList.Count count = counts.get(i);
      Map<String, Object> source = new HashMap<>();
      source.put("local", count.list() == null);
      source.put("list", count.list());
      source.put("commit", count.commit());
      source.put("count", count.count());
      source.put("last", i == counts.size() - 1);
      sources.add(source);
    }
    scope.put("sources", sources);
    scope.put("previous", page > 1 ? bansLink(lang, query, page - 1) : null);
    scope.put("next", page < pages ? bansLink(lang, query, page + 1) : null);
    return templates.render(Page.BANS, lang, scope);
  }

  /** The entries of one page, of all bans or of those matching {@code q}. */
  private static BanList.Matches select(BanList.View view, String q, int page) {
    int skip = (int) Math.min(Integer.MAX_VALUE, (page - 1L) * PAGE_SIZE);
    if (q != null) {
      return view.search(q, skip, PAGE_SIZE);
    }
    List<Integer> positions = new ArrayList<>();
    for (int i = skip; i < Math.min(view.size(), skip + PAGE_SIZE); i++) {
      positions.add(i);
    }
    return new BanList.Matches(positions, view.size());
  }

  private static String bansLink(String lang, String query, int page) {
    return "/bans?lang="
        + lang
        + (query == null || query.isEmpty()
            ? ""
            : "&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
        + "&page="
        + page;
  }

  /** The search as the list spells names: lower-case ASCII; {@code null} for no search. */
  static String normalizeQuery(String query) {
    if (query == null || query.isBlank()) {
      return null;
    }
    String q = query.strip().toLowerCase(Locale.ROOT);
    if (q.endsWith(".")) {
      q = q.substring(0, q.length() - 1);
    }
    return q;
  }

  private Map<String, Object> entry(Rule rule) {
    Map<String, Object> entry = new HashMap<>();
    entry.put("id", anchor(rule));
    entry.put("kind", rule.kind().key());
    entry.put("value", rule.value());
    entry.put("ports", ports(rule));
    entry.put("reason", rule.reason());
    entry.put("requestedOn", rule.requestedOn());
    entry.put("expires", rule.expires());
    entry.put("reference", rule.reference());
    entry.put("source", rule.source().published());
    entry.put("requestedBy", config.publishRequesters() ? rule.requestedBy() : null);
    return entry;
  }

  private static String ports(Rule rule) {
    if (rule.ports().isAll()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (int port : rule.ports().toArray()) {
      text.append(text.length() == 0 ? "" : ", ").append(port);
    }
    return text.toString();
  }

  /** The id of an entry's row on {@code /bans}, e.g. {@code domain-example.org}. */
  static String anchor(Rule rule) {
    return rule.kind().key() + "-" + rule.value();
  }

  private Map<String, Object> common(String lang, String path) {
    Map<String, Object> scope = new HashMap<>();
    scope.put("lang", lang);
    scope.put("operator", config.operator());
    scope.put("contact", config.contact());
    scope.put("pgpKey", pgpKey != null);
    scope.put("addresses", addresses());
    List<Map<String, Object>> links = new ArrayList<>();
    for (String code : languages.served()) {
      links.add(
          Map.of(
              "code",
              code,
              "label",
              LANGUAGE_NAMES.getOrDefault(code, code),
              "href",
              path + "?lang=" + code,
              "current",
              code.equals(lang)));
    }
    scope.put("languages", links);
    scope.put("base", "");
    return scope;
  }

  List<String> addresses() {
    return config.addresses().stream().map(NoticePages::addressText).toList();
  }

  static String addressText(InetAddress address) {
    String text = new Host.Ip(address).authority();
    return address instanceof Inet6Address ? text.substring(1, text.length() - 1) : text;
  }

  /**
   * Where the notice is reached from elsewhere: {@code http://} and its first listen address (the
   * exit's first outgoing address when that listens on every address), with the port unless 80.
   */
  String publicBase() {
    InetSocketAddress first = firstListener != null ? firstListener : config.listen().get(0);
    InetAddress address = first.getAddress();
    String authority =
        address.isAnyLocalAddress()
            ? new Host.Ip(config.addresses().get(0)).authority()
            : new Host.Ip(address).authority();
    return "http://" + authority + (first.getPort() == 80 ? "" : ":" + first.getPort());
  }

  String exitAddressesText() {
    return String.join("\n", addresses()) + "\n";
  }

  /**
   * RFC 9116: Contact, Expires (a week ahead: the file is made on each request, so it never goes
   * stale), Preferred-Languages, and Encryption when a key is configured.
   */
  String securityTxt() {
    StringBuilder text = new StringBuilder();
    text.append("Contact: mailto:").append(config.contact()).append('\n');
    text.append("Expires: ")
        .append(clock.instant().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS))
        .append('\n');
    if (pgpKey != null) {
      text.append("Encryption: ").append(publicBase()).append("/pgp-key.asc\n");
    }
    text.append("Preferred-Languages: ").append(String.join(", ", languages.served())).append('\n');
    return text.toString();
  }
}
