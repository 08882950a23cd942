package org.exitfilter.proxy;

/** Which side of a CONNECT tunnel may send the first bytes through it. */
enum TunnelStart {
  /**
   * Either side: what the origin sends goes to the client as soon as it comes, as protocols in
   * which the server greets first need (SMTP, FTP; an SSH server sends its version at once). The
   * proxy users reach.
   */
  EITHER_SIDE,

  /**
   * The client: what the origin sends is held until the client's first bytes have passed the SNI
   * guard. The proxy of the operator's tools ({@link ProxyServer#startForTools}), whose clients all
   * speak first (TLS, an SSH client's version line) and one of which cannot take more than the
   * {@code 200} in one read: JGit's ssh over an HTTP proxy parses everything it reads with the
   * {@code 200} as the proxy's answer, so an SSH server's version line that arrives in the same
   * read is lost and the session waits for it until it times out (eclipse-jgit/jgit#270).
   */
  CLIENT_FIRST
}
