package org.exitfilter.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate naming the test hosts in its subject alternative names, so that the
 * JDK's HTTPS hostname check passes for them without switching verification off. Generated with
 * BouncyCastle on first use and cached per set of names for the JVM's life (EC P-256: fast).
 *
 * @param names the DNS names the certificate is valid for
 * @param key the private key
 * @param certificate the certificate, also its own trust anchor
 */
record TestCertificate(Set<String> names, PrivateKey key, X509Certificate certificate) {
  private static final Map<Set<String>, TestCertificate> CACHE = new ConcurrentHashMap<>();

  /** The certificate for these DNS names (and 127.0.0.1 as an IP name). */
  static TestCertificate forNames(Set<String> names) {
    return CACHE.computeIfAbsent(new TreeSet<>(names), TestCertificate::generate);
  }

  /** A client context trusting this certificate alone. */
  SSLContext clientContext() {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("test-origin", certificate);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a client context for the test certificate", e);
    }
  }

  private static TestCertificate generate(Set<String> names) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();

      List<GeneralName> altNames = new ArrayList<>();
      for (String name : names) {
        altNames.add(new GeneralName(GeneralName.dNSName, name));
      }
      altNames.add(new GeneralName(GeneralName.iPAddress, Loopback.ADDRESS.getHostAddress()));

      X500Name subject = new X500Name("CN=" + names.iterator().next() + ", O=exitfilter tests");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(now.toEpochMilli()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(365))),
              subject,
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(altNames.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new TestCertificate(Set.copyOf(names), pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a test certificate for " + names, e);
    }
  }
}
