package org.exitfilter.requests.verify;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Looks up TXT records with the JDK's JNDI DNS provider, asking the configured {@code resolver:}
 * (or the system's name servers when there is none), with a short, bounded timeout.
 */
final class DnsTxt {
  /** First wait for an answer; JNDI doubles it on each retry (1 s + 2 s). */
  private static final String INITIAL_TIMEOUT_MILLIS = "1000";

  private static final String RETRIES = "2";

  private final String providerUrl;

  /**
   * @param server the DNS server, or {@code null} for the system's
   */
  DnsTxt(InetSocketAddress server) {
    if (server == null) {
      providerUrl = "dns:";
    } else {
      String host = server.getAddress().getHostAddress();
      if (server.getAddress() instanceof Inet6Address) {
        int scope = host.indexOf('%');
        host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
      }
      providerUrl = "dns://" + host + ":" + server.getPort();
    }
  }

  /** What a lookup found. */
  sealed interface Answer {
    /** The name exists; its TXT strings (each record's strings as JNDI joins them). */
    record Found(List<String> texts) implements Answer {}

    /** NXDOMAIN. */
    record NoSuchName() implements Answer {}

    /** No answer, SERVFAIL, or anything else that says nothing about the record. */
    record Failed(String why) implements Answer {}
  }

  Answer lookup(String name) {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, providerUrl);
    env.put("com.sun.jndi.dns.timeout.initial", INITIAL_TIMEOUT_MILLIS);
    env.put("com.sun.jndi.dns.timeout.retries", RETRIES);
    DirContext context = null;
    try {
      context = new InitialDirContext(env);
      // The trailing dot makes the name absolute: no search domain is appended.
      Attributes attributes = context.getAttributes(name + ".", new String[] {"TXT"});
      List<String> texts = new ArrayList<>();
      Attribute txt = attributes.get("TXT");
      if (txt != null) {
        NamingEnumeration<?> values = txt.getAll();
        while (values.hasMore()) {
          texts.add(String.valueOf(values.next()));
        }
      }
      return new Answer.Found(texts);
    } catch (NameNotFoundException e) {
      return new Answer.NoSuchName();
    } catch (NamingException e) {
      return new Answer.Failed(e.getClass().getSimpleName() + ": " + e.getExplanation());
    } finally {
      if (context != null) {
        try {
          context.close();
        } catch (NamingException e) {
          // Nothing held that matters.
        }
      }
    }
  }
}
