/**
 * Loopback test infrastructure for end-to-end tests of the proxy. Everything binds 127.0.0.1 on an
 * ephemeral port, closes cleanly, and is checked for Netty leaks like production code.
 *
 * <ul>
 *   <li>{@link org.exitfilter.testing.ProxyFixture}: the proxy started from written config files,
 *       with a JDK client and a {@link org.exitfilter.testing.RawClient} pointed at it.
 *   <li>{@link org.exitfilter.testing.HttpOrigin}: an HTTP/1.1 origin with streaming, broken and
 *       silent endpoints, recording every request head.
 *   <li>{@link org.exitfilter.testing.TlsOrigin}: the same over TLS, recording SNI.
 *   <li>{@link org.exitfilter.testing.LoopbackDns}: the DNS server the proxy resolves with.
 *   <li>{@link org.exitfilter.testing.StartTlsFront}: STARTTLS in front of GreenMail's SMTP server,
 *       which has none.
 *   <li>{@link org.exitfilter.testing.ConfigFiles}: a config written line by line, and the problems
 *       the loader finds in it.
 *   <li>{@link org.exitfilter.testing.Await}: polling instead of sleeping.
 *   <li>{@link org.exitfilter.testing.LeakDetection}: every test class fails on a Netty leak report
 *       (through the auto-registered {@link org.exitfilter.testing.LeakDetectionExtension}).
 * </ul>
 */
package org.exitfilter.testing;
