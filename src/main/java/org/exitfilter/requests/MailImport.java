package org.exitfilter.requests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.exitfilter.requests.BanRequests.Imported;
import org.exitfilter.requests.mail.CandidateFinder;
import org.exitfilter.requests.mail.Mail;
import org.exitfilter.requests.mail.MailReader;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.State;
import org.exitfilter.requests.store.RequestStore;
import org.exitfilter.requests.store.Tokens;

/**
 * {@code requests import}: reads mail files, finds the names each one asks about, and records one
 * new pending request per mail not imported before. The mail's body is read and dropped; only what
 * {@link CandidateFinder} found in it is kept.
 */
final class MailImport {
  private final RequestStore store;
  private final Supplier<Instant> now;

  MailImport(RequestStore store, Supplier<Instant> now) {
    this.store = store;
    this.now = now;
  }

  /**
   * Imports one mail file ({@code .eml}), or every mail of a Maildir ({@code new/} and {@code
   * cur/}), or every file of a plain folder. A mail imported before (same Message-ID, or same bytes
   * when it has none) is left alone. A mail naming no site is recorded anyway, marked as needing
   * attention.
   */
  List<Imported> from(Path path) throws IOException, RequestException {
    List<BanRequest> existing = store.all();
    Map<String, BanRequest> known = new HashMap<>();
    for (BanRequest r : existing) {
      remember(known, r);
    }
    List<Imported> results = new ArrayList<>();
    for (Path file : mailFiles(path)) {
      Mail mail;
      try {
        mail = MailReader.read(Files.readAllBytes(file));
      } catch (IOException e) {
        results.add(new Imported(file, null, false, e.getMessage()));
        continue;
      }
      BanRequest before = mail.messageId() != null ? known.get("id:" + mail.messageId()) : null;
      if (before == null) {
        before = known.get("sha256:" + mail.sha256());
      }
      if (before != null) {
        results.add(new Imported(file, before, true, null));
        continue;
      }
      BanRequest request = newRequest(mail, file);
      store.save(request);
      remember(known, request);
      results.add(new Imported(file, request, false, null));
    }
    return results;
  }

  private static void remember(Map<String, BanRequest> known, BanRequest r) {
    if (r.messageId() != null) {
      known.put("id:" + r.messageId(), r);
    }
    known.put("sha256:" + r.messageSha256(), r);
  }

  private BanRequest newRequest(Mail mail, Path file) {
    Instant now = this.now.get();
    CandidateFinder.Found found = CandidateFinder.find(mail);
    String note =
        "from "
            + file.getFileName()
            + ": "
            + (found.candidates().isEmpty()
                ? "no site named"
                : found.candidates().size() + " name(s) found");
    return BanRequest.builder()
        .id(store.newId(LocalDate.ofInstant(now, ZoneOffset.UTC)))
        .state(State.PENDING)
        .imported(now)
        .sender(mail.sender())
        .senderName(mail.senderName())
        .forwardedFrom(mail.forwardedFrom())
        .sent(mail.sent())
        .messageId(mail.messageId())
        .messageSha256(mail.sha256())
        .subject(mail.subject())
        .candidates(found.candidates())
        .attention(found.attention())
        .token(Tokens.token())
        .event(new Event(now, "imported", note))
        .build();
  }

  /** A Maildir's new/ and cur/, a folder's files, or the one file; hidden files left out. */
  private static List<Path> mailFiles(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      if (!Files.isRegularFile(path)) {
        throw new IOException(path + ": no such file or folder");
      }
      return List.of(path);
    }
    List<Path> folders =
        Files.isDirectory(path.resolve("new")) || Files.isDirectory(path.resolve("cur"))
            ? List.of(path.resolve("new"), path.resolve("cur"))
            : List.of(path);
    List<Path> files = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> listing = Files.list(folder)) {
        listing
            .filter(Files::isRegularFile)
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }
}
