package org.exitfilter.abuse;

import java.net.InetAddress;
import java.time.Instant;

/**
 * What the desk read from one complaint. Texts that came from the mail are already cleaned to one
 * line by {@link ComplaintReader}; nothing here is executed or fetched.
 *
 * @param messageId the complaint's Message-ID (or a digest of its bytes when it has none)
 * @param subject the complaint's subject, or {@code null}
 * @param complainant the first From address, or {@code null}
 * @param received when the complaint was sent (its Date), or {@code null}
 * @param kind what it is about
 * @param format how it came
 * @param reportedAddress the address complained about, or {@code null} when none was found
 * @param reportedAt when the reported event happened, or {@code null}
 * @param providerHost the {@code by} host of the hop whose client is ours, or {@code null}
 * @param cc the ISP's address when an ISP forwarded the complaint, or {@code null}
 * @param ispTicket the ticket id from the subject, or {@code null}
 * @param banCandidate the complainant's site that could be banned, or {@code null}
 * @param german whether the complaint is written in German
 * @param original the complaint's original message as bytes, or {@code null}
 * @param problem why the mail could not be read, or {@code null}
 */
record Complaint(
    String messageId,
    String subject,
    String complainant,
    Instant received,
    Kind kind,
    Format format,
    InetAddress reportedAddress,
    Instant reportedAt,
    String providerHost,
    String cc,
    String ispTicket,
    String banCandidate,
    boolean german,
    byte[] original,
    String problem) {}
