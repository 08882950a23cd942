package org.exitfilter.abuse;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.exitfilter.config.AbuseConfig;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.requests.BanRequests;
import org.exitfilter.requests.RequestException;
import org.exitfilter.requests.mail.Untrusted;

/**
 * The abuse desk: complaints in as cases, drafts out. Cases live in {@code abuse/} beside the
 * blocklist. Nothing about the exit's users is logged or kept: a case holds only what the complaint
 * itself says.
 */
public final class AbuseDesk {
  /** The guide's advice, shown for legal mail, which never gets a draft. */
  public static final String LEGAL_ADVICE =
      "Legal mail is never answered automatically. Explain the service (an anonymization exit"
          + " that keeps no logs of its users) and take legal advice before you reply.";

  /** The folder in {@code abuse/} where the RDAP bootstrap registries are kept between runs. */
  static final String RDAP_BOOTSTRAP_CACHE = "rdap-bootstrap";

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final ProxyConfig proxy;
  private final AbuseConfig config;
  private final CaseStore store;
  private final AbuseContacts contacts;
  private final Drafts drafts;
  private final Clock clock;
  private final Set<InetAddress> ours;

  /** What one import did. */
  public record Imported(String source, AbuseCase c, boolean duplicate) {}

  /**
   * @param rdapBootstrap where the RDAP bootstrap registries are ({@link RdapBootstrap#IANA}; a
   *     loopback server in tests), asked when {@code rdap:} names no servers
   */
  AbuseDesk(ProxyConfig proxy, Clock clock, URI rdapBootstrap) {
    this.proxy = proxy;
    this.config = proxy.abuse();
    this.store = new CaseStore(proxy.blocklist().toAbsolutePath().resolveSibling("abuse"));
    this.contacts =
        new AbuseContacts(
            config.rdap(),
            proxy,
            rdapBootstrap,
            store.folder().resolve(RDAP_BOOTSTRAP_CACHE),
            clock);
    List<String> texts = config.addresses().stream().map(InetAddress::getHostAddress).toList();
    this.drafts = new Drafts(store.folder().resolve("templates"), config.mailbox(), texts);
    this.clock = clock;
    this.ours = new LinkedHashSet<>(config.addresses());
  }

  /**
   * The desk of a configuration.
   *
   * @throws IOException when the configuration has no {@code abuse:} section
   */
  public static AbuseDesk open(ProxyConfig proxy) throws IOException {
    if (proxy.abuse() == null) {
      throw new IOException("the abuse desk is off: " + proxy.file() + " has no abuse: section");
    }
    return new AbuseDesk(proxy, Clock.systemUTC(), RdapBootstrap.IANA);
  }

  public Path folder() {
    return store.folder();
  }

  /** Imports a {@code .eml} file, a Maildir ({@code new/}, {@code cur/}) or a folder of mails. */
  public List<Imported> importPath(Path path) throws IOException {
    List<Imported> out = new ArrayList<>();
    for (Path file : mails(path)) {
      out.add(importBytes(file.getFileName().toString(), Files.readAllBytes(file)));
    }
    return out;
  }

  /** Imports every message of the configured IMAP folder (read only; nothing is deleted). */
  public List<Imported> importImap() throws IOException {
    AbuseConfig.Imap imap = config.imap();
    if (imap == null) {
      throw new IOException("abuse: has no imap: section");
    }
    Properties p = new Properties();
    String protocol = imap.tls() ? "imaps" : "imap";
    p.put("mail." + protocol + ".connectiontimeout", "10000");
    p.put("mail." + protocol + ".timeout", "30000");
    String password =
        imap.passwordFile() == null
            ? ""
            : Files.readAllLines(imap.passwordFile()).stream().findFirst().orElse("");
    List<Imported> out = new ArrayList<>();
    try (Store mailStore = Session.getInstance(p).getStore(protocol)) {
      mailStore.connect(imap.host(), imap.port(), imap.username(), password);
      Folder folder = mailStore.getFolder(imap.folder());
      folder.open(Folder.READ_ONLY);
      try {
        for (jakarta.mail.Message m : folder.getMessages()) {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          m.writeTo(bytes);
          out.add(importBytes("imap:" + m.getMessageNumber(), bytes.toByteArray()));
        }
      } finally {
        folder.close(false);
      }
    } catch (MessagingException e) {
      throw new IOException("IMAP " + imap.host() + ": " + e.getMessage(), e);
    }
    return out;
  }

  Imported importBytes(String source, byte[] bytes) throws IOException {
    Complaint complaint = ComplaintReader.read(bytes, ours);
    String id = id(complaint);
    // Matched by Message-ID alone: a copy with another Date is still the same complaint.
    String digest = id.substring(id.indexOf('-'));
    for (AbuseCase existing : store.all()) {
      if (existing.id().endsWith(digest) && existing.messageId().equals(complaint.messageId())) {
        return new Imported(source, existing, true);
      }
    }
    AbuseCase c = caseOf(id, complaint);
    store.save(c, bytes);
    if (c.kind() == Kind.BAN_REQUEST) {
      c = banRequest(c);
    }
    return new Imported(source, c, false);
  }

  private AbuseCase caseOf(String id, Complaint complaint) {
    Instant received = complaint.received() != null ? complaint.received() : clock.instant();
    String address =
        complaint.reportedAddress() == null ? null : complaint.reportedAddress().getHostAddress();
    Boolean isOurs = address == null ? null : ours.contains(complaint.reportedAddress());
    String state;
    String note;
    if (complaint.problem() != null) {
      state = "needs-attention";
      note = complaint.problem();
    } else if (complaint.kind() == Kind.LEGAL) {
      state = "needs-operator";
      note = LEGAL_ADVICE;
    } else {
      state = "open";
      note = Boolean.FALSE.equals(isOurs) ? "the reported address is not one of ours" : null;
    }
    String forwardTo = null;
    String contactSource = null;
    if (complaint.kind() == Kind.SPAM
        && Boolean.TRUE.equals(isOurs)
        && complaint.providerHost() != null) {
      AbuseContacts.Contact contact = contacts.lookup(complaint.providerHost());
      if (contact != null) {
        forwardTo = contact.address();
        contactSource = contact.source();
      }
    }
    return AbuseCase.builder()
        .id(id)
        .messageId(complaint.messageId())
        .state(state)
        .deadline(received.plus(config.deadline()))
        .kind(complaint.kind())
        .format(complaint.format())
        .reportedAddress(address)
        .ours(isOurs)
        .reportedAt(complaint.reportedAt())
        .providerHost(complaint.providerHost())
        .forwardTo(forwardTo)
        .contactSource(contactSource)
        .cc(complaint.cc())
        .ispTicket(complaint.ispTicket())
        .banCandidate(complaint.banCandidate())
        .subject(complaint.subject())
        .complainant(complaint.complainant())
        .language(complaint.german() ? "de" : "en")
        .note(note)
        .build();
  }

  /**
   * A site owner asking to stop anonymous access: the kept mail goes through the ban-request
   * workflow of {@code requests} (which checks and records it there), and the case links to it.
   */
  private AbuseCase banRequest(AbuseCase c) throws IOException {
    try {
      List<BanRequests.Imported> made = BanRequests.open(proxy).importMail(store.mail(c.id()));
      if (made.isEmpty() || made.get(0).request() == null) {
        return c;
      }
      AbuseCase linked = c.toBuilder().banRequest(made.get(0).request().id()).build();
      store.save(linked, null);
      return linked;
    } catch (RequestException e) {
      throw new IOException("ban request for case " + c.id() + ": " + e.getMessage(), e);
    }
  }

  /** Day of the complaint and a digest of its Message-ID: the same mail gets the same id. */
  private String id(Complaint complaint) {
    Instant day = complaint.received() != null ? complaint.received() : clock.instant();
    String digest =
        ComplaintReader.sha256(complaint.messageId().getBytes(StandardCharsets.UTF_8))
            .substring(0, 8);
    return DAY.format(day) + "-" + digest;
  }

  /** Open cases (or all), oldest first. */
  public List<AbuseCase> list(boolean all) throws IOException {
    return store.all().stream()
        .filter(c -> all || !(c.state().equals("closed") || c.state().equals("sent")))
        .sorted(java.util.Comparator.comparing(AbuseCase::deadline).thenComparing(AbuseCase::id))
        .toList();
  }

  public AbuseCase get(String id) throws IOException {
    return store.get(id).orElseThrow(() -> new IOException("no case " + id));
  }

  public List<Draft> drafts(AbuseCase c) throws IOException {
    return drafts.of(c);
  }

  /**
   * Sends the case's drafts and records them.
   *
   * @throws IOException for legal mail, a case without drafts, one already sent or closed, or when
   *     submission fails
   */
  public AbuseCase send(String id) throws IOException {
    AbuseCase c = get(id);
    if (c.kind() == Kind.LEGAL) {
      throw new IOException("case " + id + " is legal mail: " + LEGAL_ADVICE);
    }
    if (!c.state().equals("open")) {
      throw new IOException("case " + id + " is " + c.state() + ", not open");
    }
    if (config.smtp() == null) {
      throw new IOException("abuse: has no smtp: section to send through");
    }
    List<Draft> list = drafts.of(c);
    if (list.isEmpty()) {
      throw new IOException("case " + id + " has nothing to send");
    }
    Complaint again = ComplaintReader.read(Files.readAllBytes(store.mail(id)), ours);
    new MailSender(config.smtp(), config.mailbox()).send(list, again.original());
    List<String> sent = new ArrayList<>(c.sent());
    for (Draft d : list) {
      sent.add(
          clock.instant()
              + " to "
              + d.to()
              + (d.cc() == null ? "" : " cc " + d.cc())
              + ": "
              + d.subject());
    }
    AbuseCase done = c.toBuilder().state("sent").sent(sent).build();
    store.save(done, null);
    return done;
  }

  public AbuseCase close(String id, String why) throws IOException {
    AbuseCase c = get(id);
    String reason = Untrusted.oneLine(why);
    if (reason == null) {
      throw new IOException("close needs a reason (--why)");
    }
    AbuseCase closed = c.toBuilder().state("closed").note(reason).build();
    store.save(closed, null);
    return closed;
  }

  private static List<Path> mails(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    List<Path> folders =
        Files.isDirectory(path.resolve("new")) || Files.isDirectory(path.resolve("cur"))
            ? List.of(path.resolve("new"), path.resolve("cur"))
            : List.of(path);
    List<Path> out = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        files
            .filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().startsWith("."))
            .sorted()
            .forEach(out::add);
      }
    }
    return out;
  }
}
